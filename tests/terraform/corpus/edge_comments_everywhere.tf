# hash comment at the top
// slash comment
/* block comment */
/*
  multi-line block comment
  with "quotes" and ${not_interpolation} and { braces }
*/
resource /* between type and label */ "aws_kms_key" /* between labels */ "c" /* before brace */ { # after brace
  # inside the body
  description = "x" # after a value
  key_usage = /* before a value */ "ENCRYPT_DECRYPT" // after a value
  tags = { # after an open brace
    # inside an object
    a = 1 # after an element
    /* before a key */ b = 2
    c = [ # inside a tuple
      1, # after an item
      /* inline */ 2,
      // before the close
    ]
  }
  policy = jsonencode({
    /* in a call */
    Statement = [] # end
  })
  value = (
    1 + # in parens
    2
  )
  ternary = var.x /* c */ ? /* c */ 1 /* c */ : /* c */ 2
  // before the closing brace
}
# between blocks

/* block comment spanning
   lines before a block */
locals {
  a = 1 /* trailing block comment */
}
# comment at the end without a newline