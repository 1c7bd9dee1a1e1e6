x = <<EOF
no newline after marker
EOF