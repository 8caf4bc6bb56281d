"""What Discord refuses, by kind of request body."""
