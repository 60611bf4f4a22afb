"""Descent Lab: watch optimizers walk 2D loss landscapes. The router: page config once,
then the page the URL names (each in pages/, listed in ui/router.py)."""

from ui.router import navigation

navigation().run()
