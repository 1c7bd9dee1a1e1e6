terraform {
  required_version = ">= 1.5.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.46, < 7.0"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }

  backend "s3" {
    bucket         = "example-terraform-state"
    key            = "data-tier/terraform.tfstate"
    region         = "us-east-1"
    encrypt        = true
    kms_key_id     = "alias/terraform-state"
    dynamodb_table = "terraform-locks"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }

  assume_role {
    role_arn     = "arn:aws:iam::${var.account_id}:role/deploy"
    session_name = "terraform-${var.environment}"
    external_id  = var.external_id
  }
}

provider "aws" {
  alias  = "replica"
  region = var.replica_region

  ignore_tags {
    key_prefixes = ["kubernetes.io/"]
  }
}
