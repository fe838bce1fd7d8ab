"""The emulator's routes, one module per resource of the API.

Each module has ``add_routes(router, base_path)``; `create_app` calls them all.
"""

from . import sim_card_actions, sim_card_groups, sim_cards

__all__ = ["ROUTE_MODULES"]

ROUTE_MODULES = (sim_cards, sim_card_actions, sim_card_groups)
"""Every route module, in the order their routes are added."""
