"""Pure rules of sign-in: no nameko, no database, no I/O."""
