"""Reception rotation (选择性上访), kiosk bookings and queue, written kiosk petitions, interview coordination."""
