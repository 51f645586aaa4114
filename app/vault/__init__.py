"""The encrypted vault on the phone: the only place report data is ever written."""
