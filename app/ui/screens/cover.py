"""The neutral cover after a quick exit: a calculator that really calculates.

Nothing on it says Brolly. To come back, type the passcode on the keypad and press "=",
or press and hold "=" to reach the lock screen; both need the passcode.
"""

from __future__ import annotations

import ast
import operator

import flet as ft

from app.ui.shell import Ui

_KEYS = [["7", "8", "9", "÷"], ["4", "5", "6", "×"], ["1", "2", "3", "−"], ["C", "0", "=", "+"]]
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv}
_MIN_PASSCODE_DIGITS = 4


class Cover:
    def __init__(self) -> None:
        self.display = ""

    def title(self, ui: Ui) -> str:
        return ui._("Calculator")

    def build(self, ui: Ui) -> ft.Control:
        screen = ft.Text(self.display or "0", size=40, text_align=ft.TextAlign.RIGHT)

        def press(key: str) -> None:
            if key == "C":
                self.display = ""
            elif key == "=":
                self._equals(ui)
                return
            else:
                self.display += key
            screen.value = self.display or "0"
            screen.update()

        rows = [ft.Row([ft.Button(key, expand=True, height=72,
                                  on_click=lambda _e, k=key: press(k),
                                  on_long_press=(lambda _e: _to_lock(ui)) if key == "=" else None)
                        for key in row], spacing=8) for row in _KEYS]
        return ft.Container(ft.Column([ft.Container(screen, padding=16, alignment=ft.Alignment(
            1, 0)), *rows], spacing=8), padding=16)

    def _equals(self, ui: Ui) -> None:
        typed = self.display
        if typed.isdigit() and len(typed) >= _MIN_PASSCODE_DIGITS and not ui.app.first_run:
            self.display = ""
            # A wrong passcode just shows the number, as a calculator would.
            ui.run_slow(lambda: ui.app.unlock(typed), lambda _r: _back_in(ui),
                        lambda _exc: self._show(ui, typed))
            return
        self._show(ui, _calculate(typed))

    def _show(self, ui: Ui, value: str) -> None:
        self.display = value
        ui.refresh()


def _back_in(ui: Ui) -> None:
    from app.ui.screens.lock import _opened

    _opened(ui)


def _to_lock(ui: Ui) -> None:
    from app.ui.screens.lock import LockScreen

    ui.reset(LockScreen())


def _calculate(expression: str) -> str:
    text = expression.replace("×", "*").replace("÷", "/").replace("−", "-")
    try:
        value = _evaluate(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, RecursionError):
        return "Error"
    return f"{value:.10g}"


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return float(_OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand)
    raise ValueError("not arithmetic")

