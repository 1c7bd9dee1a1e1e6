locals {
  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    echo "Bootstrapping ${var.cluster_name}" > /var/log/bootstrap.log
    %{~ for name, value in var.env_vars }
    export ${name}="${value}"
    %{~ endfor }
    %{ if var.enable_ssm ~}
    systemctl enable amazon-ssm-agent
    systemctl start amazon-ssm-agent
    %{ else ~}
    echo "SSM disabled"
    %{ endif ~}
    cat <<'CONF' > /etc/app.conf
    port=${var.port}
    redis=${aws_elasticache_replication_group.redis[0].primary_endpoint_address}
    CONF
    echo "HOME is $${HOME}, percent %%{literal}"
  EOT

  nginx_conf = <<EOF
server {
  listen ${var.port};
  server_name ${join(" ", var.server_names)};
%{ for loc in var.locations ~}
  location ${loc.path} {
    proxy_pass ${loc.upstream};
  }
%{ endfor ~}
}
EOF

  cloud_init = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    hostname = var.hostname
    packages = var.packages
    users    = [for u in var.users : { name = u, sudo = contains(var.admins, u) }]
  })

  inline = "%{if var.debug}DEBUG=1 %{endif}APP=${var.app}%{for i, p in var.ports} PORT${i}=${p}%{endfor}"
}

resource "aws_launch_template" "this" {
  name_prefix   = "${var.cluster_name}-"
  image_id      = data.aws_ami.al2023.id
  instance_type = var.instance_type
  user_data     = base64encode(local.user_data)

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 30
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = var.ebs_kms_key_arn
      delete_on_termination = true
    }
  }
}
