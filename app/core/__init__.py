"""Qt-free operations on a Sitat project: everything a user can do, a script or test can do."""
