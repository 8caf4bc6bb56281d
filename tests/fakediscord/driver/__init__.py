"""What tests do through the fake (members' actions, the clock) and read back from it."""
