"""Team work: coder copies, merging, agreement, rounds."""
