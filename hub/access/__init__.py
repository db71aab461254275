"""Core: who is acting (the actor), and the one policy that decides every access from the rules each part registers."""
