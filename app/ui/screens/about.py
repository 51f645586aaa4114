"""About Brolly and knowing your rights, in plain words."""

from __future__ import annotations

import flet as ft

from app.ui import widgets
from app.ui.shell import Ui


class About:
    def title(self, ui: Ui) -> str:
        return ui._("About and your rights")

    def build(self, ui: Ui) -> ft.Control:
        from app.ui.screens.directory import DirectoryScreen

        p = widgets.paragraph
        return ft.Column([
            widgets.subheading(ui._("Your rights")),
            p(ui._("Violence against anyone is a crime, and that includes violence against sex "
                   "workers. It is never OK, and it is never your fault.")),
            p(ui._("You have the right to report any crime committed against you, like anyone "
                   "else. The police should listen to you and support you.")),
            p(ui._("In the UK, selling sex as an adult is not itself a crime. Some things "
                   "around it are offences under the Sexual Offences Act 2003. Police say they "
                   "aim to protect and support sex workers first.")),
            widgets.subheading(ui._("Where to turn")),
            p(ui._("In an emergency, always dial 999.")),
            p(ui._("To report a crime that is not an emergency, call 101 or report it online "
                   "to your local police force.")),
            p(ui._("Specialist projects support sex workers in Birmingham, Coventry, Walsall "
                   "and Wolverhampton. Their numbers are under Support services.")),
            widgets.secondary(ui._("Support services"), lambda _e: ui.go(DirectoryScreen()),
                              icon=ft.Icons.SUPPORT_AGENT),
            widgets.subheading(ui._("What happens to your report")),
            p(ui._("Your report is locked on this phone and sent, sealed, to the organisation "
                   "that runs Brolly. People there read it and decide what warning to send "
                   "out. A warning never includes who you are.")),
            p(ui._("Police are building a national hub that collects information about people "
                   "who harm sex workers from police, support services and charities. Brolly "
                   "only shares your report with the police if you switch that on.")),
            widgets.subheading(ui._("Keeping you safe")),
            p(ui._("Quick exit, on every screen, hides Brolly at once behind a calculator. The "
                   "Escape key does the same. To come back, type your passcode on the "
                   "calculator and press =, or press and hold =.")),
            p(ui._("Brolly locks itself when you leave it or stop using it for a while.")),
        ], spacing=12, scroll=ft.ScrollMode.AUTO)
