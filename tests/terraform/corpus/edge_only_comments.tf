# This file intentionally holds no configuration.
// Only comments.
/* And a block comment. */
