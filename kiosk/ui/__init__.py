"""Widgets and screens of the kiosk; the only package that imports QtWidgets/QtGui.

`kiosk.ui.main_window.MainWindow` is the entry point; see its docstring for the
slots and signals the wiring uses.
"""
