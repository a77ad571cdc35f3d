"""The flows that react to what happens in front of the kiosk and on its admin panel.

Each controller runs on the GUI thread, never blocks (work goes to a worker through
`Jobs`), and depends on protocols (`seams.py`), not on the window or the workers.
`kiosk.app` builds them and wires the window's signals to them.

* `visit.py`, `VisitController`: the shopper loop (visit, emotion, pages, likes,
  attract screen, camera tile, preview);
* `consent.py`, `ConsentFlow`: opt-in identity per visit (the question, one lookup,
  the user id, "Forget me", the purge schedule);
* `admin.py`, `AdminController`: the admin panel's actions (the one dispatcher) and
  its status every 2 s;
* `curation.py`, `CurationController`: image review (approve, reject) and catalog
  reload;
* `seams.py`: the protocols `View`, `Backend` (and each controller's slice), `Jobs`.
"""
