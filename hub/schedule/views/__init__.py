"""The web face of reception scheduling: the staff pages (rotations, receptions, interviews), the kiosk's pages
(booking, talk now, written petitions) and the public ones (the published rotation and its feeds)."""
