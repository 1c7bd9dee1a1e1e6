locals {
  name     = "ex-${basename(path.cwd)}"
  region   = "eu-west-1"
  vpc_cidr = "10.0.0.0/16"
  azs      = slice(data.aws_availability_zones.available.names, 0, 3)

  tags = {
    Example    = local.name
    GithubRepo = "terraform-aws-example"
    GithubOrg  = "example"
  }

  environments = ["dev", "staging", "prod"]
  env_config = {
    for env in local.environments : env => {
      instance_count = env == "prod" ? 3 : 1
      node_type      = env == "prod" ? "cache.r7g.large" : "cache.t4g.micro"
      multi_az       = env == "prod"
      backup_days    = lookup({ prod = 35, staging = 7 }, env, 1)
    }
  }

  subnets_by_tier = {
    for tier in ["public", "private", "data"] :
    tier => [for i, az in local.azs : cidrsubnet(local.vpc_cidr, 8, index(["public", "private", "data"], tier) * 10 + i)]
  }

  flat_rules = flatten([
    for sg_name, sg in var.security_groups : [
      for rule in sg.rules : merge(rule, {
        sg_name = sg_name
        key     = "${sg_name}-${rule.type}-${rule.from_port}-${rule.to_port}"
      })
    ]
  ])

  rules_by_key = { for r in local.flat_rules : r.key => r }

  grouped = { for r in local.flat_rules : r.sg_name => r.key... }

  enabled_features = [for f, on in var.features : f if on]
  all_enabled      = alltrue([for f, on in var.features : on])
  any_public       = anytrue([for s in var.buckets : s.public])

  ports      = toset([80, 443, 8080])
  port_map   = zipmap(["http", "https", "alt"], [80, 443, 8080])
  max_port   = max(local.ports...)
  joined     = join(",", [for p in local.ports : tostring(p)])
  conditions = var.a > 1 && var.b < 2 || !var.c && (var.d == "x" || var.e != "y")
  math       = (var.n * 2 + 1) % 7 - -3 / 1.5
  nested_ternary = var.env == "prod" ? "p" : var.env == "staging" ? "s" : "d"

  maybe_obj  = var.obj != null ? var.obj : { default = true }
  obj_key    = { (var.key_name) = "value", "literal.key" = 1, plain = 2 }
  splat_deep = var.list_of_objects[*].inner.values[0]
  attr_splat = var.list_of_objects.*.name
  idx_expr   = var.matrix[var.i][var.j + 1]
  legacy_idx = var.list.0
  str_index  = var.map["key with spaces"]
}
