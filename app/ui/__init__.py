"""The Flet user interface: thin views over app.services. The only package importing Flet."""
