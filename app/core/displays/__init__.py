"""Matrix displays and condensation."""
