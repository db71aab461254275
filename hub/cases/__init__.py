"""Case tracking: petitions, clues and cases, the workflow declared as data, the group cycle, deadlines and the ledger."""
