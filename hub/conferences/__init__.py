"""Network video conferences with chair control (会控, issue 12): scheduling, the live console, attendance."""
