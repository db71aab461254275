"""Case tracking: petitions, clues and cases, the workflow declared as data, rotation, deadlines and the ledger."""
