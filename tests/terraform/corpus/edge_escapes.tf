locals {
  simple_escapes  = "tab\there\nnewline\rreturn \"quoted\" back\\slash"
  unicode_escapes = "\u00e9\u4e2d\U0001F600\u0041"
  dollar_escape   = "$${not.interpolated}"
  percent_escape  = "%%{not_a_directive}"
  lone_dollar     = "cost: $5 and 100% sure, $$ and %% too"
  triple_dollar   = "$$${var.x}"
  mixed           = "a$${b}${var.c}%%{d}%{if true}e%{endif}"
  backslash_interp = "path\\${var.dir}"
  regex           = "^arn:aws:iam::[0-9]{12}:role/.*$"
  json_like       = "{\"key\": \"${var.value}\", \"n\": 1}"
  dollar_at_end   = "ends with $"
  percent_at_end  = "ends with %"
  brace_literal   = "just { and } braces"
  label_escape    = "${"nested \"quote\" ${"deeper"}"}"
}

resource "aws_ssm_parameter" "escaped_label" {
  name  = "/app/config"
  type  = "String"
  value = "literal $${HOME} and %%{x}"
}

resource "null_resource" "label with spaces and \"quotes\"" {}
resource "null_resource" "label$${with}dollar" {}
