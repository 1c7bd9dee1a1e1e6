#!/usr/bin/env python3
"""Generates a large, deterministic Terraform plan in JSON (`terraform show -json`) for benchmarking `atrest scan`.

    python3 bench/gen_plan.py --size-mb 100 --out FILE [--seed S] [--manifest PATH]

The same arguments always give the same bytes. --size-mb is in MiB (2^20 bytes); the plan grows
one service at a time until it reaches that size, so it ends a little above it.

The plan is what `terraform show -json plan.out` prints for a large platform configuration that
has been applied before: format_version "1.2", terraform_version 1.11.4, one line of compact
JSON, with the sections in Terraform's order (variables, planned_values, resource_drift,
resource_changes, output_changes, prior_state, configuration, relevant_attributes, checks,
timestamp, applyable, complete, errored). The root module calls one module per service
(`module "svc_<name>" { source = "./modules/service" }`), and each service module calls the
kms, dynamodb (for_each over tables), dax (count) and elasticache (for_each over caches) modules
and declares its own IAM, Lambda, S3, SQS, SNS, CloudWatch and SSM resources. So addresses look
like module.svc_orders.module.tables.aws_dynamodb_table.this["orders"], and the configuration
section repeats each module's configuration under every call, as Terraform writes it.

Every resource's attribute set is the provider's: the shapes below were captured from
`terraform show -json` of real plans (Terraform 1.11.4, hashicorp/aws 5.100.0) of configurations
like gen_tf.py's, and every instance is derived from its type's shape. Per instance the
sections are derived as Terraform derives them: `after` leaves out what is known only after
apply, `after_unknown` marks it (true leaves; known lists as [false, ...] or [{}...]),
`after_sensitive`/`sensitive_values` mark sensitive leaves, planned_values `values` equals
`after`, and prior_state holds the full known values of what exists.

Actions: about 8 % of the services are new (everything "create"); in the others most instances
are "no-op" (before equals after), and some are "update", "create", replaced
(["delete","create"] or ["create","delete"] with replace_paths and action_reason), "delete" (not
in planned_values), moved (previous_address), or a deposed object left by an earlier
create_before_destroy. A few changes made outside Terraform appear in resource_drift.

The types atrest reads vary as gen_tf.py's do: DAX clusters with encryption at rest on, off or
not configured, TLS or not, 1 to 3 nodes; tables with the AWS owned key, the AWS managed key or
a customer managed key (known, or unknown when the key is created in the same plan), PITR on or
off, replicas with their own keys; Valkey and Redis OSS replication groups with encryption at
rest and in transit on or off; Memcached clusters; serverless caches with or without a customer
managed key; keys with rotation on or off, some disabled.

Each service comes from its own seeded random stream and its JSON goes to temporary part files
as it is made, so memory stays flat whatever the size.
"""

import argparse
import copy
import hashlib
import json
import os
import random
import sys
import tempfile
import time

TERRAFORM_VERSION = "1.11.4"
PROVIDER = "registry.terraform.io/hashicorp/aws"
TIMESTAMP = "2025-06-02T09:41:27Z"

# Per resource type, from a create in a real plan: schema_version, `after`, `after_unknown`
# and `after_sensitive`. The values are examples; what matters is the attribute set, which
# attributes are computed (unknown until apply) and which are collections.
SHAPES = json.loads(r"""{
"aws_appautoscaling_policy": {"after":{"name":"fraud-prod-audit-log-read-utilization","policy_type":"TargetTrackingScaling","resource_id":"table/fraud-prod-audit-log","scalable_dimension":"dynamodb:table:ReadCapacityUnits","service_namespace":"dynamodb","step_scaling_policy_configuration":[],"target_tracking_scaling_policy_configuration":[{"customized_metric_specification":[],"disable_scale_in":false,"predefined_metric_specification":[{"predefined_metric_type":"DynamoDBReadCapacityUtilization","resource_label":null}],"scale_in_cooldown":null,"scale_out_cooldown":null,"target_value":70}]},"after_sensitive":{"alarm_arns":[],"step_scaling_policy_configuration":[],"target_tracking_scaling_policy_configuration":[{"customized_metric_specification":[],"predefined_metric_specification":[{}]}]},"after_unknown":{"alarm_arns":true,"arn":true,"id":true,"step_scaling_policy_configuration":[],"target_tracking_scaling_policy_configuration":[{"customized_metric_specification":[],"predefined_metric_specification":[{}]}]},"schema_version":0},
"aws_appautoscaling_target": {"after":{"max_capacity":1000,"min_capacity":10,"resource_id":"table/fraud-prod-audit-log","scalable_dimension":"dynamodb:table:ReadCapacityUnits","service_namespace":"dynamodb","tags":null,"tags_all":{"DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"fraud","Repository":"hooli/logistics-infrastructure-0016"}},"after_sensitive":{"suspended_state":[],"tags_all":{}},"after_unknown":{"arn":true,"id":true,"role_arn":true,"suspended_state":true,"tags_all":{}},"schema_version":0},
"aws_cloudwatch_log_group": {"after":{"kms_key_id":null,"name":"/aws/lambda/ratings-prod-api","retention_in_days":30,"skip_destroy":false,"tags":null,"tags_all":{"DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"}},"after_sensitive":{"tags_all":{}},"after_unknown":{"arn":true,"id":true,"log_group_class":true,"name_prefix":true,"tags_all":{}},"schema_version":0},
"aws_cloudwatch_metric_alarm": {"after":{"actions_enabled":true,"alarm_description":null,"alarm_name":"ratings-prod-accounts-throttles","comparison_operator":"GreaterThanOrEqualToThreshold","datapoints_to_alarm":null,"dimensions":{"TableName":"ratings-prod-accounts"},"evaluation_periods":5,"extended_statistic":null,"insufficient_data_actions":null,"metric_name":"ThrottledRequests","metric_query":[],"namespace":"AWS/DynamoDB","ok_actions":null,"period":60,"statistic":"Sum","tags":null,"tags_all":{"DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"},"threshold":10,"threshold_metric_id":null,"treat_missing_data":"notBreaching","unit":null},"after_sensitive":{"alarm_actions":[],"dimensions":{},"metric_query":[],"tags_all":{}},"after_unknown":{"alarm_actions":true,"arn":true,"dimensions":{},"evaluate_low_sample_count_percentiles":true,"id":true,"metric_query":[],"tags_all":{}},"schema_version":1},
"aws_dax_cluster": {"after":{"availability_zones":null,"cluster_endpoint_encryption_type":null,"cluster_name":"identity-staging","description":"DAX for identity-staging","maintenance_window":"sun:05:00-sun:06:00","node_type":"dax.t3.small","notification_topic_arn":null,"parameter_group_name":"identity-staging-params","replication_factor":1,"server_side_encryption":[],"subnet_group_name":"identity-staging-subnets","tags":{"CostCenter":"cc-4843","Environment":"staging","ManagedBy":"terraform","Owner":"messaging","Project":"identity","Repository":"acme/messaging-infra-0017"},"tags_all":{"CostCenter":"cc-4843","Environment":"staging","ManagedBy":"terraform","Owner":"messaging","Project":"identity","Repository":"acme/messaging-infra-0017"},"timeouts":{"create":"45m","delete":"60m","update":"90m"}},"after_sensitive":{"nodes":[],"security_group_ids":[],"server_side_encryption":[],"tags":{},"tags_all":{},"timeouts":{}},"after_unknown":{"arn":true,"cluster_address":true,"configuration_endpoint":true,"iam_role_arn":true,"id":true,"nodes":true,"port":true,"security_group_ids":true,"server_side_encryption":[],"tags":{},"tags_all":{},"timeouts":{}},"schema_version":0},
"aws_dax_parameter_group": {"after":{"description":null,"name":"identity-staging-params","parameters":[{"name":"query-ttl-millis","value":"300000"},{"name":"record-ttl-millis","value":"300000"}]},"after_sensitive":{"parameters":[{},{}]},"after_unknown":{"id":true,"parameters":[{},{}]},"schema_version":0},
"aws_dax_subnet_group": {"after":{"description":null,"name":"identity-staging-subnets","subnet_ids":["subnet-2a779a83c01c78368","subnet-41c6f2d4791016a21","subnet-a21d903fb076b2def"]},"after_sensitive":{"subnet_ids":[false,false,false]},"after_unknown":{"id":true,"subnet_ids":[false,false,false],"vpc_id":true},"schema_version":0},
"aws_dynamodb_table": {"after":{"attribute":[{"name":"created_at","type":"N"},{"name":"tenant_id","type":"S"}],"billing_mode":"PROVISIONED","deletion_protection_enabled":true,"global_secondary_index":[],"hash_key":"tenant_id","import_table":[],"local_secondary_index":[],"name":"ratings-prod-accounts","on_demand_throughput":[],"range_key":"created_at","read_capacity":10,"replica":[],"restore_date_time":null,"restore_source_name":null,"restore_source_table_arn":null,"restore_to_latest_time":null,"server_side_encryption":[{"enabled":false}],"stream_enabled":false,"table_class":null,"tags":{"CostCenter":"cc-4880","Environment":"prod","ManagedBy":"terraform","Name":"ratings-prod-accounts","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012","terraform-module":"dynamodb"},"tags_all":{"CostCenter":"cc-4880","DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Name":"ratings-prod-accounts","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012","terraform-module":"dynamodb"},"timeouts":{"create":"10m","delete":"10m","update":"60m"},"write_capacity":5},"after_sensitive":{"attribute":[{},{}],"global_secondary_index":[],"import_table":[],"local_secondary_index":[],"on_demand_throughput":[],"point_in_time_recovery":[],"replica":[],"server_side_encryption":[{}],"tags":{},"tags_all":{},"timeouts":{},"ttl":[]},"after_unknown":{"arn":true,"attribute":[{},{}],"global_secondary_index":[],"id":true,"import_table":[],"local_secondary_index":[],"on_demand_throughput":[],"point_in_time_recovery":true,"replica":[],"server_side_encryption":[{"kms_key_arn":true}],"stream_arn":true,"stream_label":true,"stream_view_type":true,"tags":{},"tags_all":{},"timeouts":{},"ttl":true},"schema_version":1},
"aws_elasticache_cluster": {"after":{"auto_minor_version_upgrade":"true","az_mode":"cross-az","cluster_id":"webhooks-dev-rate-limits","engine":"memcached","final_snapshot_identifier":null,"log_delivery_configuration":[],"node_type":"cache.t4g.small","notification_topic_arn":null,"num_cache_nodes":2,"outpost_mode":null,"parameter_group_name":"default.memcached1.6","port":11211,"preferred_availability_zones":null,"snapshot_arns":null,"snapshot_name":null,"snapshot_retention_limit":null,"subnet_group_name":"webhooks-dev-rate-limits-cache","tags":{"Environment":"dev","ManagedBy":"terraform","Owner":"messaging","Project":"webhooks","Repository":"acme/messaging-infra-0017"},"tags_all":{"Environment":"dev","ManagedBy":"terraform","Owner":"messaging","Project":"webhooks","Repository":"acme/messaging-infra-0017"},"timeouts":null,"transit_encryption_enabled":false},"after_sensitive":{"cache_nodes":[],"log_delivery_configuration":[],"security_group_ids":[],"tags":{},"tags_all":{}},"after_unknown":{"apply_immediately":true,"arn":true,"availability_zone":true,"cache_nodes":true,"cluster_address":true,"configuration_endpoint":true,"engine_version":true,"engine_version_actual":true,"id":true,"ip_discovery":true,"log_delivery_configuration":[],"maintenance_window":true,"network_type":true,"preferred_outpost_arn":true,"replication_group_id":true,"security_group_ids":true,"snapshot_window":true,"tags":{},"tags_all":{}},"schema_version":0},
"aws_elasticache_parameter_group": {"after":{"description":"Managed by Terraform","family":"redis7","name":"ratings-prod-leaderboard-params","parameter":[{"name":"maxmemory-policy","value":"allkeys-lru"}],"tags":null,"tags_all":{"DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"}},"after_sensitive":{"parameter":[{}],"tags_all":{}},"after_unknown":{"arn":true,"id":true,"parameter":[{}],"tags_all":{}},"schema_version":0},
"aws_elasticache_replication_group": {"after":{"apply_immediately":false,"auth_token":null,"auth_token_update_strategy":"ROTATE","auto_minor_version_upgrade":"true","automatic_failover_enabled":true,"description":"Cache for ratings-prod-leaderboard","engine":"redis","final_snapshot_identifier":null,"kms_key_id":null,"log_delivery_configuration":[],"maintenance_window":"sun:05:30-sun:07:00","multi_az_enabled":true,"node_type":"cache.r7g.xlarge","notification_topic_arn":null,"num_cache_clusters":3,"parameter_group_name":"ratings-prod-leaderboard-params","port":6379,"preferred_cache_cluster_azs":null,"replication_group_id":"ratings-prod-leaderboard","snapshot_arns":null,"snapshot_name":null,"snapshot_retention_limit":7,"snapshot_window":"22:00-23:00","subnet_group_name":"ratings-prod-leaderboard-cache","tags":{"CostCenter":"cc-4880","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012","terraform-module":"elasticache"},"tags_all":{"CostCenter":"cc-4880","DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012","terraform-module":"elasticache"},"timeouts":{"create":"60m","delete":"40m","update":"40m"},"transit_encryption_enabled":false,"user_group_ids":null},"after_sensitive":{"auth_token":true,"log_delivery_configuration":[],"member_clusters":[],"security_group_ids":[],"security_group_names":[],"tags":{},"tags_all":{},"timeouts":{}},"after_unknown":{"arn":true,"at_rest_encryption_enabled":true,"cluster_enabled":true,"cluster_mode":true,"configuration_endpoint_address":true,"data_tiering_enabled":true,"engine_version":true,"engine_version_actual":true,"global_replication_group_id":true,"id":true,"ip_discovery":true,"log_delivery_configuration":[],"member_clusters":true,"network_type":true,"num_node_groups":true,"primary_endpoint_address":true,"reader_endpoint_address":true,"replicas_per_node_group":true,"security_group_ids":true,"security_group_names":true,"tags":{},"tags_all":{},"timeouts":{},"transit_encryption_mode":true},"schema_version":2},
"aws_elasticache_serverless_cache": {"after":{"cache_usage_limits":[{"data_storage":[{"maximum":50,"minimum":null,"unit":"GB"}],"ecpu_per_second":[{"maximum":10000,"minimum":null}]}],"daily_snapshot_time":"04:00","description":"Serverless cache for identity-staging-rate-limits","engine":"valkey","name":"identity-staging-rate-limits","security_group_ids":[null],"snapshot_arns_to_restore":null,"snapshot_retention_limit":7,"subnet_ids":["subnet-2a779a83c01c78368","subnet-41c6f2d4791016a21","subnet-a21d903fb076b2def"],"tags":{"CostCenter":"cc-4843","Environment":"staging","ManagedBy":"terraform","Owner":"messaging","Project":"identity","Repository":"acme/messaging-infra-0017","terraform-module":"elasticache"},"tags_all":{"CostCenter":"cc-4843","Environment":"staging","ManagedBy":"terraform","Owner":"messaging","Project":"identity","Repository":"acme/messaging-infra-0017","terraform-module":"elasticache"},"timeouts":null,"user_group_id":null},"after_sensitive":{"cache_usage_limits":[{"data_storage":[{}],"ecpu_per_second":[{}]}],"endpoint":[],"reader_endpoint":[],"security_group_ids":[false],"subnet_ids":[false,false,false],"tags":{},"tags_all":{}},"after_unknown":{"arn":true,"cache_usage_limits":[{"data_storage":[{}],"ecpu_per_second":[{}]}],"create_time":true,"endpoint":true,"full_engine_version":true,"id":true,"kms_key_id":true,"major_engine_version":true,"reader_endpoint":true,"security_group_ids":[true],"status":true,"subnet_ids":[false,false,false],"tags":{},"tags_all":{}},"schema_version":0},
"aws_elasticache_subnet_group": {"after":{"description":"Managed by Terraform","name":"ratings-prod-leaderboard-cache","subnet_ids":["subnet-0123456789abcdef0","subnet-0123456789abcdef1"],"tags":null,"tags_all":{"DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"}},"after_sensitive":{"subnet_ids":[false,false],"tags_all":{}},"after_unknown":{"arn":true,"id":true,"subnet_ids":[false,false],"tags_all":{},"vpc_id":true},"schema_version":0},
"aws_iam_policy": {"after":{"description":"Data access for the application","name":"ratings-prod-app","path":"/","tags":null,"tags_all":{"DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"}},"after_sensitive":{"tags_all":{}},"after_unknown":{"arn":true,"attachment_count":true,"id":true,"name_prefix":true,"policy":true,"policy_id":true,"tags_all":{}},"schema_version":0},
"aws_iam_role": {"after":{"assume_role_policy":"{\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"}}],\"Version\":\"2012-10-17\"}","description":null,"force_detach_policies":false,"max_session_duration":3600,"name":"ratings-prod-app","path":"/","permissions_boundary":null,"tags":null,"tags_all":{"DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"}},"after_sensitive":{"inline_policy":[],"managed_policy_arns":[],"tags_all":{}},"after_unknown":{"arn":true,"create_date":true,"id":true,"inline_policy":true,"managed_policy_arns":true,"name_prefix":true,"tags_all":{},"unique_id":true},"schema_version":0},
"aws_iam_role_policy": {"after":{"name":"dynamodb-access"},"after_sensitive":{},"after_unknown":{"id":true,"name_prefix":true,"policy":true,"role":true},"schema_version":0},
"aws_iam_role_policy_attachment": {"after":{"role":"ratings-prod-app"},"after_sensitive":{},"after_unknown":{"id":true,"policy_arn":true},"schema_version":0},
"aws_kms_alias": {"after":{"name":"alias/ratings-prod-data"},"after_sensitive":{},"after_unknown":{"arn":true,"id":true,"name_prefix":true,"target_key_arn":true,"target_key_id":true},"schema_version":0},
"aws_kms_key": {"after":{"bypass_policy_lockout_safety_check":false,"custom_key_store_id":null,"customer_master_key_spec":"SYMMETRIC_DEFAULT","deletion_window_in_days":30,"description":"ratings-prod-data data key","enable_key_rotation":true,"is_enabled":true,"key_usage":"ENCRYPT_DECRYPT","multi_region":false,"policy":"{\"Statement\":[{\"Action\":\"kms:*\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Resource\":\"*\",\"Sid\":\"EnableRootPermissions\"}],\"Version\":\"2012-10-17\"}","rotation_period_in_days":180,"tags":{"CostCenter":"cc-4880","Environment":"prod","ManagedBy":"terraform","Name":"ratings-prod-data","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012","terraform-module":"kms"},"tags_all":{"CostCenter":"cc-4880","DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Name":"ratings-prod-data","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012","terraform-module":"kms"},"timeouts":null,"xks_key_id":null},"after_sensitive":{"tags":{},"tags_all":{}},"after_unknown":{"arn":true,"id":true,"key_id":true,"tags":{},"tags_all":{}},"schema_version":0},
"aws_lambda_event_source_mapping": {"after":{"batch_size":100,"bisect_batch_on_function_error":null,"destination_config":[],"document_db_event_source_config":[],"enabled":true,"filter_criteria":[],"function_response_types":null,"kms_key_arn":null,"maximum_batching_window_in_seconds":null,"maximum_retry_attempts":3,"metrics_config":[],"provisioned_poller_config":[],"queues":null,"scaling_config":[],"self_managed_event_source":[],"source_access_configuration":[],"starting_position":"LATEST","starting_position_timestamp":null,"tags":null,"tags_all":{"Environment":"dev","ManagedBy":"terraform","Owner":"platform","Project":"orders","Repository":"stark/platform-infra-0015"},"topics":null,"tumbling_window_in_seconds":null},"after_sensitive":{"amazon_managed_kafka_event_source_config":[],"destination_config":[],"document_db_event_source_config":[],"filter_criteria":[],"metrics_config":[],"provisioned_poller_config":[],"scaling_config":[],"self_managed_event_source":[],"self_managed_kafka_event_source_config":[],"source_access_configuration":[],"tags_all":{}},"after_unknown":{"amazon_managed_kafka_event_source_config":true,"arn":true,"destination_config":[],"document_db_event_source_config":[],"event_source_arn":true,"filter_criteria":[],"function_arn":true,"function_name":true,"id":true,"last_modified":true,"last_processing_result":true,"maximum_record_age_in_seconds":true,"metrics_config":[],"parallelization_factor":true,"provisioned_poller_config":[],"scaling_config":[],"self_managed_event_source":[],"self_managed_kafka_event_source_config":true,"source_access_configuration":[],"state":true,"state_transition_reason":true,"tags_all":{},"uuid":true},"schema_version":0},
"aws_lambda_function": {"after":{"architectures":["arm64"],"code_signing_config_arn":null,"dead_letter_config":[],"description":null,"environment":[{"variables":{"ENVIRONMENT":"prod","LOG_LEVEL":"INFO","TABLES":"{\"accounts\":\"ratings-prod-accounts\",\"sagas\":\"ratings-prod-sagas\"}"}}],"file_system_config":[],"filename":"./build/api.zip","function_name":"ratings-prod-api","handler":"index.handler","image_config":[],"image_uri":null,"kms_key_arn":null,"layers":null,"memory_size":256,"package_type":"Zip","publish":false,"replace_security_groups_on_destroy":null,"replacement_security_group_ids":null,"reserved_concurrent_executions":-1,"runtime":"nodejs20.x","s3_bucket":null,"s3_key":null,"s3_object_version":null,"skip_destroy":false,"snap_start":[],"source_code_hash":"x","tags":{"CostCenter":"cc-4880","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"},"tags_all":{"CostCenter":"cc-4880","DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"},"timeout":300,"timeouts":null,"tracing_config":[{"mode":"Active"}],"vpc_config":[{"ipv6_allowed_for_dual_stack":false,"security_group_ids":null,"subnet_ids":["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]}]},"after_sensitive":{"architectures":[false],"dead_letter_config":[],"environment":[{"variables":{}}],"ephemeral_storage":[],"file_system_config":[],"image_config":[],"logging_config":[],"snap_start":[],"tags":{},"tags_all":{},"tracing_config":[{}],"vpc_config":[{"subnet_ids":[false,false]}]},"after_unknown":{"architectures":[false],"arn":true,"code_sha256":true,"dead_letter_config":[],"environment":[{"variables":{}}],"ephemeral_storage":true,"file_system_config":[],"id":true,"image_config":[],"invoke_arn":true,"last_modified":true,"logging_config":true,"qualified_arn":true,"qualified_invoke_arn":true,"role":true,"signing_job_arn":true,"signing_profile_version_arn":true,"snap_start":[],"source_code_size":true,"tags":{},"tags_all":{},"tracing_config":[{}],"version":true,"vpc_config":[{"subnet_ids":[false,false],"vpc_id":true}]},"schema_version":0},
"aws_s3_bucket": {"after":{"bucket":"ratings-dev-artifacts-345678901234","force_destroy":true,"tags":{"Environment":"dev","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"},"tags_all":{"Environment":"dev","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"},"timeouts":null},"after_sensitive":{"cors_rule":[],"grant":[],"lifecycle_rule":[],"logging":[],"object_lock_configuration":[],"replication_configuration":[],"server_side_encryption_configuration":[],"tags":{},"tags_all":{},"versioning":[],"website":[]},"after_unknown":{"acceleration_status":true,"acl":true,"arn":true,"bucket_domain_name":true,"bucket_prefix":true,"bucket_regional_domain_name":true,"cors_rule":true,"grant":true,"hosted_zone_id":true,"id":true,"lifecycle_rule":true,"logging":true,"object_lock_configuration":true,"object_lock_enabled":true,"policy":true,"region":true,"replication_configuration":true,"request_payer":true,"server_side_encryption_configuration":true,"tags":{},"tags_all":{},"versioning":true,"website":true,"website_domain":true,"website_endpoint":true},"schema_version":0},
"aws_s3_bucket_lifecycle_configuration": {"after":{"rule":[{"abort_incomplete_multipart_upload":[],"expiration":[{"date":null,"days":90,"expired_object_delete_marker":false}],"filter":[{"and":[],"object_size_greater_than":null,"object_size_less_than":null,"prefix":"","tag":[]}],"id":"expire-old","noncurrent_version_expiration":[{"newer_noncurrent_versions":null,"noncurrent_days":30}],"noncurrent_version_transition":[],"prefix":"","status":"Enabled","transition":[]}],"timeouts":null,"transition_default_minimum_object_size":"all_storage_classes_128K"},"after_sensitive":{"rule":[{"abort_incomplete_multipart_upload":[],"expiration":[{}],"filter":[{"and":[],"tag":[]}],"noncurrent_version_expiration":[{}],"noncurrent_version_transition":[],"transition":[]}]},"after_unknown":{"bucket":true,"expected_bucket_owner":true,"id":true,"rule":[{"abort_incomplete_multipart_upload":[],"expiration":[{}],"filter":[{"and":[],"tag":[]}],"noncurrent_version_expiration":[{}],"noncurrent_version_transition":[],"transition":[]}]},"schema_version":1},
"aws_s3_bucket_policy": {"after":{},"after_sensitive":{},"after_unknown":{"bucket":true,"id":true,"policy":true},"schema_version":0},
"aws_s3_bucket_public_access_block": {"after":{"block_public_acls":true,"block_public_policy":true,"ignore_public_acls":true,"restrict_public_buckets":true},"after_sensitive":{},"after_unknown":{"bucket":true,"id":true},"schema_version":0},
"aws_s3_bucket_server_side_encryption_configuration": {"after":{"expected_bucket_owner":null,"rule":[{"apply_server_side_encryption_by_default":[{"kms_master_key_id":"","sse_algorithm":"AES256"}],"bucket_key_enabled":null}]},"after_sensitive":{"rule":[{"apply_server_side_encryption_by_default":[{}]}]},"after_unknown":{"bucket":true,"id":true,"rule":[{"apply_server_side_encryption_by_default":[{}]}]},"schema_version":0},
"aws_s3_bucket_versioning": {"after":{"expected_bucket_owner":null,"mfa":null,"versioning_configuration":[{"status":"Enabled"}]},"after_sensitive":{"versioning_configuration":[{}]},"after_unknown":{"bucket":true,"id":true,"versioning_configuration":[{"mfa_delete":true}]},"schema_version":0},
"aws_security_group": {"after":{"description":"ElastiCache clients","name":"ratings-prod-leaderboard-cache","revoke_rules_on_delete":false,"tags":{"CostCenter":"cc-4880","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012","terraform-module":"elasticache"},"tags_all":{"CostCenter":"cc-4880","DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012","terraform-module":"elasticache"},"timeouts":null,"vpc_id":"vpc-0123456789abcdef0"},"after_sensitive":{"egress":[],"ingress":[],"tags":{},"tags_all":{}},"after_unknown":{"arn":true,"egress":true,"id":true,"ingress":true,"name_prefix":true,"owner_id":true,"tags":{},"tags_all":{}},"schema_version":1},
"aws_sns_topic": {"after":{"application_failure_feedback_role_arn":null,"application_success_feedback_role_arn":null,"application_success_feedback_sample_rate":null,"archive_policy":null,"content_based_deduplication":false,"delivery_policy":null,"display_name":null,"fifo_topic":false,"firehose_failure_feedback_role_arn":null,"firehose_success_feedback_role_arn":null,"firehose_success_feedback_sample_rate":null,"http_failure_feedback_role_arn":null,"http_success_feedback_role_arn":null,"http_success_feedback_sample_rate":null,"kms_master_key_id":null,"lambda_failure_feedback_role_arn":null,"lambda_success_feedback_role_arn":null,"lambda_success_feedback_sample_rate":null,"name":"ratings-prod-alarms","sqs_failure_feedback_role_arn":null,"sqs_success_feedback_role_arn":null,"sqs_success_feedback_sample_rate":null,"tags":null,"tags_all":{"DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"}},"after_sensitive":{"tags_all":{}},"after_unknown":{"arn":true,"beginning_archive_time":true,"fifo_throughput_scope":true,"id":true,"name_prefix":true,"owner":true,"policy":true,"signature_version":true,"tags_all":{},"tracing_config":true},"schema_version":0},
"aws_sns_topic_subscription": {"after":{"confirmation_timeout_in_minutes":1,"delivery_policy":null,"endpoint":"oncall+ratings@acme.example.com","endpoint_auto_confirms":false,"filter_policy":null,"protocol":"email","raw_message_delivery":false,"redrive_policy":null,"replay_policy":null,"subscription_role_arn":null},"after_sensitive":{},"after_unknown":{"arn":true,"confirmation_was_authenticated":true,"filter_policy_scope":true,"id":true,"owner_id":true,"pending_confirmation":true,"topic_arn":true},"schema_version":0},
"aws_sqs_queue": {"after":{"content_based_deduplication":false,"delay_seconds":0,"fifo_queue":false,"max_message_size":262144,"message_retention_seconds":345600,"name":"orders-prod-events","receive_wait_time_seconds":0,"tags":{"Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"orders","Repository":"acme/logistics-iac-0012"},"tags_all":{"Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"orders","Repository":"acme/logistics-iac-0012"},"timeouts":null,"visibility_timeout_seconds":60},"after_sensitive":{"tags":{},"tags_all":{}},"after_unknown":{"arn":true,"deduplication_scope":true,"fifo_throughput_limit":true,"id":true,"kms_data_key_reuse_period_seconds":true,"kms_master_key_id":true,"name_prefix":true,"policy":true,"redrive_allow_policy":true,"redrive_policy":true,"sqs_managed_sse_enabled":true,"tags":{},"tags_all":{},"url":true},"schema_version":0},
"aws_ssm_parameter": {"after":{"allowed_pattern":null,"description":null,"name":"/ratings/prod/metadata","overwrite":null,"tags":{"CostCenter":"cc-4880","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"},"tags_all":{"CostCenter":"cc-4880","DataClassification":"internal","Environment":"prod","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"},"type":"String","value":"{\"oncall\":\"logistics-oncall\",\"service\":\"ratings\",\"tier\":\"2\"}","value_wo":null,"value_wo_version":null},"after_sensitive":{"tags":{},"tags_all":{},"value":true,"value_wo":true},"after_unknown":{"arn":true,"data_type":true,"has_value_wo":true,"id":true,"insecure_value":true,"key_id":true,"tags":{},"tags_all":{},"tier":true,"version":true},"schema_version":0},
"aws_vpc_security_group_ingress_rule": {"after":{"cidr_ipv4":null,"cidr_ipv6":null,"description":null,"from_port":6379,"ip_protocol":"tcp","prefix_list_id":null,"referenced_security_group_id":"sg-a81936d5713097ea7","tags":null,"tags_all":{"DataClassification":"confidential","Environment":"staging","ManagedBy":"terraform","Owner":"logistics","Project":"ratings","Repository":"acme/logistics-iac-0012"},"to_port":6379},"after_sensitive":{"tags_all":{}},"after_unknown":{"arn":true,"id":true,"security_group_id":true,"security_group_rule_id":true,"tags_all":{}},"schema_version":0}
}""")


# ---------------------------------------------------------------------------------------------
# Values with unknown parts, and the three views Terraform derives from them.


class Unknown:
    """A value known only after apply; kind says whether Terraform marks it as a list, a map or
    a primitive in after_sensitive."""
    __slots__ = ("kind",)

    def __init__(self, kind):
        self.kind = kind


U, UL, UM = Unknown("prim"), Unknown("list"), Unknown("map")


def skeleton(after, unknown, sens):
    if unknown is True:
        return UL if isinstance(sens, list) else UM if isinstance(sens, dict) else U
    if isinstance(unknown, dict):
        out = dict(after) if isinstance(after, dict) else {}
        for k, m in unknown.items():
            out[k] = skeleton(out.get(k), m, sens.get(k) if isinstance(sens, dict) else None)
        return out
    if isinstance(unknown, list) and isinstance(after, list):
        return [skeleton(a, m, sens[i] if isinstance(sens, list) and i < len(sens) else None)
                for i, (a, m) in enumerate(zip(after, unknown))]
    return after


SKELETONS = {t: skeleton(s["after"], s["after_unknown"], s["after_sensitive"]) for t, s in SHAPES.items()}
SENSITIVE = {t: {k for k, v in s["after_sensitive"].items() if v is True} for t, s in SHAPES.items()}


def omit_unknowns(v):
    if isinstance(v, dict):
        return {k: omit_unknowns(x) for k, x in v.items() if not isinstance(x, Unknown)}
    if isinstance(v, list):
        return [None if isinstance(x, Unknown) else omit_unknowns(x) for x in v]
    return v


def unknown_as_bool(v):
    if v is None:
        return False
    if isinstance(v, Unknown):
        return True
    if isinstance(v, list):
        return [unknown_as_bool(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            b = unknown_as_bool(x)
            if b is not False:
                out[k] = b
        return out
    return False


def sensitive_as_bool(v, sensitive=()):
    if v is None:
        return False
    if isinstance(v, Unknown):
        return [] if v.kind == "list" else {} if v.kind == "map" else False
    if isinstance(v, list):
        return [sensitive_as_bool(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            b = True if k in sensitive else sensitive_as_bool(x)
            if b is not False:
                out[k] = b
        return out
    return False


def has_unknown(v):
    if isinstance(v, Unknown):
        return True
    if isinstance(v, dict):
        return any(has_unknown(x) for x in v.values())
    if isinstance(v, list):
        return any(has_unknown(x) for x in v)
    return False


# ---------------------------------------------------------------------------------------------
# Vocabulary.

SERVICES = ["orders", "payments", "sessions", "catalog", "inventory", "ledger", "profiles", "carts", "pricing",
            "search", "notifications", "billing", "shipments", "reviews", "loyalty", "fraud", "audit", "identity",
            "reporting", "recommendations", "quotes", "returns", "subscriptions", "wallet", "promotions",
            "webhooks", "exports", "ratings", "tokens", "feeds", "invoices", "refunds", "checkout", "accounts",
            "devices", "messaging", "geo", "media", "tax", "support"]
ENTITIES = ["orders", "order_items", "customers", "sessions", "carts", "events", "idempotency_keys", "locks",
            "tokens", "accounts", "invoices", "refunds", "audit_log", "feature_flags", "rate_limits",
            "leaderboard", "connections", "jobs", "checkpoints", "devices", "quotes", "payouts", "balances",
            "webhook_deliveries", "exports", "snapshots", "outbox", "sagas"]
REGION = "us-east-1"
REPLICA_REGIONS = ["us-west-2", "eu-west-1"]
ACCOUNT = "123456789012"
AZS = ["us-east-1a", "us-east-1b", "us-east-1c"]
TEAMS = ["payments", "platform", "growth", "data", "identity", "checkout", "logistics", "risk"]


class Rand(random.Random):
    def pick(self, weighted):
        return self.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

    def chance(self, p):
        return self.random() < p

    def hexstr(self, n):
        return "".join(self.choice("0123456789abcdef") for _ in range(n))

    def uuid(self):
        h = self.hexstr(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def index_text(key):
    return "" if key is None else (f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key)}]")


# ---------------------------------------------------------------------------------------------
# Instances. Each has the value after apply (with Unknown parts) and, when it exists already,
# its value in the prior state (fully known).


class Inst:
    __slots__ = ("module", "type", "name", "key", "new", "old", "action", "reason", "replace_paths",
                 "previous", "deposed", "depends")

    def __init__(self, module, rtype, name, key=None):
        self.module = module            # [(call name, key or None), ...]
        self.type = rtype
        self.name = name
        self.key = key
        self.new = None
        self.old = None
        self.action = "create"
        self.reason = None
        self.replace_paths = None
        self.previous = None
        self.deposed = None
        self.depends = []

    def module_address(self):
        return ".".join(f"module.{n}{index_text(k)}" for n, k in self.module)

    def address(self):
        m = self.module_address()
        local = f"{self.type}.{self.name}{index_text(self.key)}"
        return f"{m}.{local}" if m else local

    def sort_key(self):
        return (tuple((n, str(k) if k is not None else "") for n, k in self.module), self.type, self.name,
                str(self.key) if self.key is not None else "")


def fill(rtype, key, kind, ctx, r):
    """A known value for what is computed (the state of something that exists)."""
    special = ctx.get("computed", {})
    if key in special:
        return special[key]
    if key == "arn":
        return ctx["arn"]
    if key == "id":
        return ctx["id"]
    if key == "tags_all":
        return ctx["tags_all"]
    if kind == "list":
        return []
    if kind == "map":
        return {}
    if key in ("create_date", "create_time", "creation_date", "last_modified"):
        return "2024-0%d-1%dT0%d:1%d:2%dZ" % (r.randrange(1, 9), r.randrange(0, 9), r.randrange(0, 9), r.randrange(0, 9),
                                             r.randrange(0, 9))
    if key == "unique_id":
        return "AROA" + r.hexstr(17).upper()
    if key == "owner_id":
        return ACCOUNT
    if key == "name_prefix":
        return ""
    if key.endswith("_arn"):
        return f"arn:aws:{rtype.split('_')[1]}:{REGION}:{ACCOUNT}:{ctx['id']}/{key[:-4]}"
    if key == "vpc_id":
        return ctx.get("vpc", "vpc-0a1b2c3d4e5f60718")
    return None


def known(v, rtype, ctx, r, key=None):
    if isinstance(v, Unknown):
        return fill(rtype, key, v.kind, ctx, r)
    if isinstance(v, dict):
        return {k: known(x, rtype, ctx, r, k) for k, x in v.items()}
    if isinstance(v, list):
        return [known(x, rtype, ctx, r, key) for x in v]
    return v


NAME_KEYS = ("name", "bucket", "function_name", "alarm_name", "cluster_name", "cluster_id", "replication_group_id")


def value(rtype, attrs, tags):
    """The type's shape with `attrs` set (the configuration's values) and the tags."""
    v = copy.deepcopy(SKELETONS[rtype])
    if "tags" in v and tags is not None:
        v["tags"] = dict(tags)
    if "tags_all" in v:
        v["tags_all"] = dict(tags or {}, **DEFAULT_TAGS)
    v.update(attrs)
    return v


DEFAULT_TAGS = {"ManagedBy": "terraform", "Repository": "acme/platform-live", "DataClassification": "internal"}


# ---------------------------------------------------------------------------------------------
# One service: the instances of its module tree, each with an action.

ACTIONS = [("no-op", 82), ("update", 9), ("create", 4), ("replace", 3), ("delete", 2)]


class Service:
    def __init__(self, r, name, index):
        self.r = r
        self.name = name
        self.call = f"svc_{name.replace('-', '_')}"
        self.index = index
        self.new_service = r.chance(0.08)
        self.team = r.choice(TEAMS)
        self.tags = {"Project": name, "Environment": "prod", "Owner": self.team}
        self.insts = []
        self.notes = {}

    def note(self, what, variant):
        d = self.notes.setdefault(what, {})
        d[variant] = d.get(variant, 0) + 1

    def action(self, forced=None):
        if self.new_service:
            return "create"
        return forced or self.r.pick(ACTIONS)

    def add(self, sub, rtype, name, key, attrs, ctx, action, tags=True, depends=()):
        """sub: the module calls below the service's, [(name, key)]."""
        inst = Inst([(self.call, None)] + sub, rtype, name, key)
        inst.action = action
        inst.depends = list(depends)
        v = value(rtype, attrs, self.tags if tags else None)
        ctx.setdefault("id", attrs.get("name") or name)
        inst.new = (v, ctx)
        self.insts.append(inst)
        return inst


def exists(inst):
    return inst is not None and inst.action not in ("create", "replace")


def ref(inst, known_value):
    """What a reference to another resource's computed attribute holds: known when the other
    exists already, unknown when it is created (or replaced) by this plan."""
    return known_value if exists(inst) else U


def build_service(s):
    r = s.r
    svc, tags = s.name, s.tags
    prefix = f"{svc}-prod"
    vpc = "vpc-0" + r.hexstr(16)
    subnets = [f"subnet-0{r.hexstr(16)}" for _ in AZS]
    app_sg = f"sg-0{r.hexstr(16)}"

    # --- kms ------------------------------------------------------------------------------------
    key = None
    key_arn = None
    if r.chance(0.75):
        kid = r.uuid()
        key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{kid}"
        rotation = r.chance(0.85)
        enabled = not r.chance(0.03)
        s.note("kms_key", f"rotation-{'on' if rotation else 'off'}/{'enabled' if enabled else 'disabled'}")
        policy = compact({"Statement": [{"Action": "kms:*", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                         "Resource": "*", "Sid": "EnableRootPermissions"},
                                        {"Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
                                                    "kms:ReEncrypt*", "kms:CreateGrant"],
                                         "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT,
                                                                        "kms:ViaService": [f"dynamodb.{REGION}.amazonaws.com",
                                                                                           f"dax.{REGION}.amazonaws.com",
                                                                                           f"elasticache.{REGION}.amazonaws.com"]}},
                                         "Effect": "Allow", "Principal": {"AWS": "*"}, "Resource": "*",
                                         "Sid": "AllowUseThroughServices"}], "Version": "2012-10-17"})
        key = s.add([("kms", None)], "aws_kms_key", "this", None,
                    {"description": f"{prefix}-data data key", "deletion_window_in_days": 30, "enable_key_rotation": rotation,
                     "is_enabled": enabled, "multi_region": False, "policy": policy, "rotation_period_in_days": 365,
                     "tags": dict(tags, Name=f"{prefix}-data")},
                    {"arn": key_arn, "id": kid, "computed": {"key_id": kid}}, s.action("no-op" if r.chance(0.5) else None))
        s.add([("kms", None)], "aws_kms_alias", "this", None,
              {"name": f"alias/{prefix}-data", "target_key_id": ref(key, kid)},
              {"arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/{prefix}-data", "id": f"alias/{prefix}-data",
               "computed": {"target_key_arn": key_arn, "target_key_id": kid}}, s.action(), tags=False, depends=[key])

    # --- tables ---------------------------------------------------------------------------------
    tables = []
    n_tables = r.pick([(0, 8), (1, 15), (2, 20), (3, 18), (4, 12), (6, 12), (8, 8), (12, 5), (20, 2)])
    sse_mode = r.pick([("cmk", 55 if key else 0), ("aws_managed", 20), ("owned", 15), ("disabled", 10)])
    pitr = r.chance(0.6)
    replicas = [r.choice(REPLICA_REGIONS)] if r.chance(0.15) else []
    for entity in r.sample(ENTITIES, n_tables):
        tname = f"{prefix}-{entity.replace('_', '-')}"
        prov = r.chance(0.2)
        attrs_def = [("pk", "S"), ("sk", "S")] if r.chance(0.6) else [("id", "S")]
        gsis = []
        if r.chance(0.3):
            attrs_def.append(("gsi1pk", "S"))
            gsis.append({"hash_key": "gsi1pk", "name": "gsi1", "non_key_attributes": [], "on_demand_throughput": [],
                         "projection_type": "ALL", "range_key": "", "read_capacity": 5 if prov else U,
                         "write_capacity": 5 if prov else U})
        ttl = [{"attribute_name": "expires_at", "enabled": True}] if r.chance(0.3) else UL
        stream = r.chance(0.3)
        sse_enabled = sse_mode in ("cmk", "aws_managed")
        sse = [{"enabled": sse_enabled, "kms_key_arn": ref(key, key_arn) if sse_mode == "cmk" else U}]
        s.note("table.sse", sse_mode + ("" if sse_mode != "cmk" or exists(key) else "/key-created-in-plan"))
        table_pitr = pitr if not r.chance(0.1) else not pitr
        reps = [{"arn": U, "kms_key_arn": f"arn:aws:kms:{rg}:{ACCOUNT}:key/{r.uuid()}" if sse_mode == "cmk" else U,
                 "point_in_time_recovery": table_pitr, "propagate_tags": True, "region_name": rg,
                 "stream_arn": U, "stream_label": U} for rg in replicas]
        t = s.add([("tables", None)], "aws_dynamodb_table", "this", entity,
                  {"attribute": [{"name": a, "type": ty} for a, ty in sorted(attrs_def)],
                   "billing_mode": "PROVISIONED" if prov else "PAY_PER_REQUEST",
                   "deletion_protection_enabled": True, "global_secondary_index": gsis,
                   "hash_key": attrs_def[0][0], "name": tname,
                   "point_in_time_recovery": [{"enabled": table_pitr, "recovery_period_in_days": U}],
                   "range_key": "sk" if ("sk", "S") in attrs_def else None,
                   "read_capacity": r.choice([5, 10, 25]) if prov else U, "write_capacity": r.choice([5, 10]) if prov else U,
                   "replica": reps, "server_side_encryption": sse, "stream_enabled": stream,
                   "stream_view_type": "NEW_AND_OLD_IMAGES" if stream else U, "table_class": "STANDARD",
                   "tags": dict(tags, Name=tname), "timeouts": {"create": "10m", "delete": "10m", "update": "60m"}, "ttl": ttl},
                  {"arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{tname}", "id": tname,
                   "computed": {"stream_arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{tname}/stream/2024-03-1{r.randrange(10)}T10:2{r.randrange(10)}:00.000" if stream else "",
                                "stream_label": "2024-03-11T10:20:00.000" if stream else "", "stream_view_type": "",
                                "read_capacity": 0, "write_capacity": 0,
                                "recovery_period_in_days": 35 if table_pitr else 0,
                                "kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{r.uuid()}" if sse_enabled else None}},
                  s.action(), depends=[key] if key else [])
        tables.append(t)
        if prov:
            for dim in ("read", "write"):
                tgt = s.add([("tables", None)], "aws_appautoscaling_target", "this", f"{entity}-{dim}",
                            {"max_capacity": 200, "min_capacity": 5, "resource_id": f"table/{tname}",
                             "scalable_dimension": f"dynamodb:table:{dim.title()}CapacityUnits", "service_namespace": "dynamodb"},
                            {"arn": f"arn:aws:application-autoscaling:{REGION}:{ACCOUNT}:scalable-target/0{r.hexstr(20)}",
                             "id": f"table/{tname}"}, s.action(), tags=False, depends=[t])
                s.add([("tables", None)], "aws_appautoscaling_policy", "this", f"{entity}-{dim}",
                      {"name": f"table/{tname}-{entity}-{dim}", "policy_type": "TargetTrackingScaling",
                       "resource_id": f"table/{tname}", "scalable_dimension": f"dynamodb:table:{dim.title()}CapacityUnits",
                       "service_namespace": "dynamodb"},
                      {"arn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:scalingPolicy:{r.uuid()}", "id": f"{tname}-{dim}"},
                      s.action(), tags=False, depends=[tgt])

    # --- dax ------------------------------------------------------------------------------------
    if tables and r.chance(0.35):
        dname = f"{svc[:14]}-prod"
        sub = [("dax", 0)]
        role = s.add(sub, "aws_iam_role", "dax", None,
                     {"assume_role_policy": compact({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                                                                     "Principal": {"Service": "dax.amazonaws.com"}}],
                                                     "Version": "2012-10-17"}), "name": f"{dname}-dax"},
                     {"arn": f"arn:aws:iam::{ACCOUNT}:role/{dname}-dax", "id": f"{dname}-dax"}, s.action())
        s.add(sub, "aws_iam_role_policy", "dax", None,
              {"name": "dynamodb-access", "role": ref(role, f"{dname}-dax"),
               "policy": compact({"Statement": [{"Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
                                                 "Effect": "Allow",
                                                 "Resource": [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{t.new[0]['name']}" for t in tables]}],
                                  "Version": "2012-10-17"})},
              {"id": f"{dname}-dax:dynamodb-access"}, s.action(), tags=False, depends=[role])
        sg = s.add(sub, "aws_security_group", "dax", None,
                   {"description": "DAX cluster clients", "name": f"{dname}-dax", "vpc_id": vpc, "revoke_rules_on_delete": False},
                   {"arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0{r.hexstr(16)}", "id": f"sg-0{r.hexstr(16)}"},
                   s.action())
        sng = s.add(sub, "aws_dax_subnet_group", "this", None, {"name": f"{dname}-subnets", "subnet_ids": subnets},
                    {"id": f"{dname}-subnets", "computed": {"vpc_id": vpc}}, s.action(), tags=False)
        sse = r.pick([("on", 60), ("off", 20), ("absent", 20)])
        tls = r.pick([("TLS", 60), ("NONE", 20), ("absent", 20)])
        rf = r.choice([1, 2, 3, 3])
        s.note("dax", f"sse-{sse}/tls-{tls}/rf-{rf}")
        nodes = [{"address": f"{dname}-{i}.abc123.nodes.dax-clusters.{REGION}.amazonaws.com", "availability_zone": AZS[i % 3],
                  "id": f"{dname}-{chr(97 + i)}", "port": 8111 if tls != "TLS" else 9111} for i in range(rf)]
        dax = s.add(sub, "aws_dax_cluster", "this", None,
                    {"availability_zones": None, "cluster_endpoint_encryption_type": None if tls == "absent" else tls,
                     "cluster_name": dname, "description": f"DAX for {dname}", "iam_role_arn": ref(role, f"arn:aws:iam::{ACCOUNT}:role/{dname}-dax"),
                     "maintenance_window": "sun:05:00-sun:06:00", "node_type": r.choice(["dax.r5.large", "dax.t3.medium"]),
                     "notification_topic_arn": None, "parameter_group_name": "default.dax1.0", "replication_factor": rf,
                     "security_group_ids": [ref(sg, sg.new[1]["id"])],
                     "server_side_encryption": [] if sse == "absent" else [{"enabled": sse == "on"}],
                     "subnet_group_name": f"{dname}-subnets", "tags": dict(tags),
                     "timeouts": {"create": "45m", "delete": "60m", "update": "90m"}},
                    {"arn": f"arn:aws:dax:{REGION}:{ACCOUNT}:cache/{dname}", "id": dname,
                     "computed": {"cluster_address": f"{dname}.abc123.dax-clusters.{REGION}.amazonaws.com",
                                  "configuration_endpoint": f"{dname}.abc123.dax-clusters.{REGION}.amazonaws.com:8111",
                                  "port": 8111, "nodes": nodes, "cluster_endpoint_encryption_type": "NONE"}},
                    s.action("replace" if sse == "on" and r.chance(0.05) else None), depends=[role, sg, sng])
        if dax.action == "replace":
            dax.replace_paths = [["server_side_encryption"]]
            dax.reason = "replace_because_cannot_update"

    # --- caches ---------------------------------------------------------------------------------
    for cname in r.sample(["sessions", "cache", "rate-limits", "queue", "leaderboard"], r.pick([(0, 35), (1, 40), (2, 20), (3, 5)])):
        full = f"{prefix}-{cname}"[:40]
        sub = [("cache", cname)]
        flavor = r.pick([("rg", 70), ("memcached", 12), ("serverless", 18)])
        sg = s.add(sub, "aws_security_group", "this", None,
                   {"description": "ElastiCache clients", "name": f"{full}-cache", "vpc_id": vpc, "revoke_rules_on_delete": False},
                   {"arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0{r.hexstr(16)}", "id": f"sg-0{r.hexstr(16)}"},
                   s.action())
        s.add(sub, "aws_vpc_security_group_ingress_rule", "clients", app_sg,
              {"from_port": 6379 if flavor != "memcached" else 11211, "ip_protocol": "tcp", "referenced_security_group_id": app_sg,
               "security_group_id": ref(sg, sg.new[1]["id"]), "to_port": 6379 if flavor != "memcached" else 11211},
              {"arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group-rule/sgr-0{r.hexstr(16)}", "id": f"sgr-0{r.hexstr(16)}"},
              s.action(), depends=[sg])
        sng = s.add(sub, "aws_elasticache_subnet_group", "this", None,
                    {"description": "Managed by Terraform", "name": f"{full}-cache", "subnet_ids": subnets},
                    {"id": f"{full}-cache", "arn": f"arn:aws:elasticache:{REGION}:{ACCOUNT}:subnetgroup:{full}-cache",
                     "computed": {"vpc_id": vpc}}, s.action())
        kms = ref(key, key_arn) if key and r.chance(0.75) else None
        if flavor == "rg":
            engine = r.choice(["valkey", "redis"])
            pg = s.add(sub, "aws_elasticache_parameter_group", "this", 0,
                       {"description": "Managed by Terraform", "family": "valkey8" if engine == "valkey" else "redis7",
                        "name": f"{full}-params", "parameter": [{"name": "maxmemory-policy", "value": "allkeys-lru"}]},
                       {"id": f"{full}-params", "arn": f"arn:aws:elasticache:{REGION}:{ACCOUNT}:parametergroup:{full}-params"},
                       s.action())
            at_rest = r.pick([("true", 70), ("false", 30)])
            transit = r.chance(0.7)
            mode = r.pick([("required", 50), ("preferred", 20), (None, 30)]) if transit else None
            cluster_mode = r.chance(0.2)
            n = 3 if not cluster_mode else None
            s.note("replication_group", f"{engine}/at-rest-{at_rest}/transit-{transit}/{mode}")
            members = [f"{full}-00{i + 1}" for i in range(n or 6)]
            s.add(sub, "aws_elasticache_replication_group", "this", 0,
                  {"apply_immediately": False, "at_rest_encryption_enabled": at_rest, "auth_token": None,
                   "auth_token_update_strategy": "ROTATE", "auto_minor_version_upgrade": "true",
                   "automatic_failover_enabled": True, "description": f"Cache for {full}", "engine": engine,
                   "engine_version": "8.0" if engine == "valkey" else "7.1", "final_snapshot_identifier": None,
                   "kms_key_id": kms if at_rest == "true" else None, "log_delivery_configuration": [],
                   "maintenance_window": "sun:05:30-sun:07:00", "multi_az_enabled": True, "node_type": "cache.r7g.large",
                   "notification_topic_arn": None, "num_cache_clusters": n if n else U,
                   "num_node_groups": 3 if cluster_mode else U, "replicas_per_node_group": 1 if cluster_mode else U,
                   "parameter_group_name": ref(pg, f"{full}-params"), "port": 6379, "preferred_cache_cluster_azs": None,
                   "replication_group_id": full, "security_group_ids": [ref(sg, sg.new[1]["id"])], "snapshot_arns": None,
                   "snapshot_name": None, "snapshot_retention_limit": 7, "snapshot_window": "03:00-05:00",
                   "subnet_group_name": f"{full}-cache", "tags": dict(tags), "timeouts": {"create": "60m", "delete": "40m", "update": "40m"},
                   "transit_encryption_enabled": transit, "transit_encryption_mode": mode if mode else U, "user_group_ids": None},
                  {"arn": f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:{full}", "id": full,
                   "computed": {"member_clusters": members, "primary_endpoint_address": None if cluster_mode else f"master.{full}.abc123.use1.cache.amazonaws.com",
                                "reader_endpoint_address": None if cluster_mode else f"replica.{full}.abc123.use1.cache.amazonaws.com",
                                "configuration_endpoint_address": f"clustercfg.{full}.abc123.use1.cache.amazonaws.com" if cluster_mode else None,
                                "cluster_enabled": cluster_mode, "cluster_mode": "enabled" if cluster_mode else "disabled",
                                "engine_version_actual": "8.0.1" if engine == "valkey" else "7.1.0", "network_type": "ipv4",
                                "ip_discovery": "ipv4", "data_tiering_enabled": False, "security_group_names": [],
                                "transit_encryption_mode": "required" if transit else None, "global_replication_group_id": None,
                                "num_node_groups": 1, "replicas_per_node_group": 2, "num_cache_clusters": 6}},
                  s.action("replace" if at_rest == "true" and r.chance(0.04) else None), depends=[sg, sng, pg])
            if s.insts[-1].action == "replace":
                s.insts[-1].replace_paths = [["at_rest_encryption_enabled"]]
                s.insts[-1].reason = "replace_because_cannot_update"
        elif flavor == "memcached":
            transit = r.chance(0.5)
            s.note("memcached", f"transit-{transit}")
            s.add(sub, "aws_elasticache_cluster", "memcached", 0,
                  {"auto_minor_version_upgrade": "true", "az_mode": "cross-az", "cluster_id": full, "engine": "memcached",
                   "final_snapshot_identifier": None, "log_delivery_configuration": [], "node_type": "cache.t4g.medium",
                   "notification_topic_arn": None, "num_cache_nodes": 2, "outpost_mode": None,
                   "parameter_group_name": "default.memcached1.6", "port": 11211, "preferred_availability_zones": None,
                   "security_group_ids": [ref(sg, sg.new[1]["id"])], "snapshot_arns": None, "snapshot_name": None,
                   "snapshot_retention_limit": None, "subnet_group_name": f"{full}-cache", "tags": dict(tags),
                   "timeouts": None, "transit_encryption_enabled": transit},
                  {"arn": f"arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:{full}", "id": full,
                   "computed": {"cache_nodes": [{"address": f"{full}.abc123.000{i}.use1.cache.amazonaws.com", "availability_zone": AZS[i],
                                                 "id": f"000{i + 1}", "outpost_arn": "", "port": 11211} for i in range(2)],
                                "cluster_address": f"{full}.abc123.cfg.use1.cache.amazonaws.com",
                                "configuration_endpoint": f"{full}.abc123.cfg.use1.cache.amazonaws.com:11211",
                                "engine_version": "1.6.22", "engine_version_actual": "1.6.22", "network_type": "ipv4",
                                "ip_discovery": "ipv4", "maintenance_window": "sun:05:00-sun:06:00", "snapshot_window": "",
                                "availability_zone": "", "replication_group_id": "", "preferred_outpost_arn": ""}},
                  s.action(), depends=[sg, sng])
        else:
            engine = r.choice(["valkey", "redis", "valkey"])
            s.note("serverless", f"{engine}/{'cmk' if kms else 'aws-owned'}")
            s.add(sub, "aws_elasticache_serverless_cache", "this", 0,
                  {"cache_usage_limits": [{"data_storage": [{"maximum": 10, "minimum": None, "unit": "GB"}],
                                           "ecpu_per_second": [{"maximum": 5000, "minimum": None}]}],
                   "daily_snapshot_time": "04:00", "description": f"Serverless cache for {full}", "engine": engine,
                   "kms_key_id": kms if kms else U, "major_engine_version": "8" if engine == "valkey" else "7", "name": full,
                   "security_group_ids": [ref(sg, sg.new[1]["id"])], "snapshot_arns_to_restore": None,
                   "snapshot_retention_limit": 7, "subnet_ids": subnets, "tags": dict(tags), "timeouts": None, "user_group_id": None},
                  {"arn": f"arn:aws:elasticache:{REGION}:{ACCOUNT}:serverlesscache:{full}", "id": full,
                   "computed": {"endpoint": [{"address": f"{full}-abc123.serverless.use1.cache.amazonaws.com", "port": 6379}],
                                "reader_endpoint": [{"address": f"{full}-abc123.serverless.use1.cache.amazonaws.com", "port": 6380}],
                                "full_engine_version": "8.0" if engine == "valkey" else "7.1", "status": "available",
                                "kms_key_id": None}},
                  s.action(), depends=[sg])

    # --- the service's own resources -----------------------------------------------------------
    role = s.add([], "aws_iam_role", "app", None,
                 {"assume_role_policy": compact({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                                                                 "Principal": {"Service": "ecs-tasks.amazonaws.com"}}],
                                                 "Version": "2012-10-17"}), "name": f"{prefix}-app", "tags": None},
                 {"arn": f"arn:aws:iam::{ACCOUNT}:role/{prefix}-app", "id": f"{prefix}-app"}, s.action(), tags=False)
    role.new[0]["tags_all"] = dict(DEFAULT_TAGS)
    pol = s.add([], "aws_iam_policy", "app", None,
                {"name": f"{prefix}-app", "description": "Data access for the application",
                 "policy": compact({"Statement": [{"Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
                                                              "dynamodb:UpdateItem"], "Effect": "Allow",
                                                   "Resource": [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{t.new[0]['name']}" for t in tables] or ["*"]}],
                                    "Version": "2012-10-17"})},
                {"arn": f"arn:aws:iam::{ACCOUNT}:policy/{prefix}-app", "id": f"arn:aws:iam::{ACCOUNT}:policy/{prefix}-app"},
                s.action())
    for k, arn in (("app", f"arn:aws:iam::{ACCOUNT}:policy/{prefix}-app"), ("xray", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess")):
        s.add([], "aws_iam_role_policy_attachment", "app", k, {"policy_arn": ref(pol, arn) if k == "app" else arn,
                                                                "role": f"{prefix}-app"},
              {"id": f"{prefix}-app-{r.hexstr(20)}"}, s.action(), tags=False, depends=[role, pol])
    for fn in r.sample(["api", "worker", "stream-processor", "scheduler", "exporter"], r.choice([0, 1, 2, 2, 3, 4])):
        fname = f"{prefix}-{fn}"
        lrole = s.add([], "aws_iam_role", "lambda", fn,
                      {"assume_role_policy": compact({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                                                                      "Principal": {"Service": "lambda.amazonaws.com"}}],
                                                      "Version": "2012-10-17"}), "name": fname, "tags": None},
                      {"arn": f"arn:aws:iam::{ACCOUNT}:role/{fname}", "id": fname}, s.action(), tags=False)
        lrole.new[0]["tags_all"] = dict(DEFAULT_TAGS)
        lg = s.add([], "aws_cloudwatch_log_group", "lambda", fn,
                   {"name": f"/aws/lambda/{fname}", "retention_in_days": 30, "kms_key_id": None, "log_group_class": "STANDARD",
                    "skip_destroy": False},
                   {"arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{fname}", "id": f"/aws/lambda/{fname}"},
                   s.action())
        s.add([], "aws_lambda_function", "this", fn,
              {"architectures": ["arm64"], "environment": [{"variables": {"ENVIRONMENT": "prod", "LOG_LEVEL": "INFO",
                                                                          "TABLES": compact({t.key: t.new[0]["name"] for t in tables})}}],
               "filename": f"./build/{fn}.zip", "function_name": fname, "handler": "app.handler", "memory_size": 512,
               "role": ref(lrole, f"arn:aws:iam::{ACCOUNT}:role/{fname}"), "runtime": "python3.12",
               "source_code_hash": r.hexstr(44), "timeout": 30, "tracing_config": [{"mode": "Active"}],
               "vpc_config": [{"ipv6_allowed_for_dual_stack": False, "security_group_ids": [app_sg], "subnet_ids": subnets}]},
              {"arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{fname}", "id": fname}, s.action(), depends=[lrole, lg])
    for b in r.sample(["exports", "artifacts", "uploads", "backups"], r.choice([0, 1, 1, 2, 3])):
        bname = f"{prefix}-{b}-{ACCOUNT}"
        bucket = s.add([], "aws_s3_bucket", b, None, {"bucket": bname, "force_destroy": False},
                       {"arn": f"arn:aws:s3:::{bname}", "id": bname,
                        "computed": {"bucket_domain_name": f"{bname}.s3.amazonaws.com",
                                     "bucket_regional_domain_name": f"{bname}.s3.{REGION}.amazonaws.com",
                                     "hosted_zone_id": "Z3AQBSTGFYJSTF", "region": REGION, "object_lock_enabled": False,
                                     "request_payer": "BucketOwner", "acceleration_status": "", "bucket_prefix": "",
                                     "policy": "", "website_domain": None, "website_endpoint": None, "acl": None}},
                       s.action())
        s.add([], "aws_s3_bucket_versioning", b, None, {"bucket": bname, "expected_bucket_owner": None, "mfa": None,
                                                        "versioning_configuration": [{"mfa_delete": U, "status": "Enabled"}]},
              {"id": bname, "computed": {"mfa_delete": ""}}, s.action(), tags=False, depends=[bucket])
        s.add([], "aws_s3_bucket_server_side_encryption_configuration", b, None,
              {"bucket": bname, "expected_bucket_owner": None,
               "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": key_arn if key else None,
                                                                      "sse_algorithm": "aws:kms" if key else "AES256"}],
                         "bucket_key_enabled": bool(key)}]},
              {"id": bname}, s.action(), tags=False, depends=[bucket])
        s.add([], "aws_s3_bucket_public_access_block", b, None,
              {"block_public_acls": True, "block_public_policy": True, "bucket": bname, "ignore_public_acls": True,
               "restrict_public_buckets": True},
              {"id": bname}, s.action(), tags=False, depends=[bucket])
    if r.chance(0.45):
        for qn in ("events", "events_dlq"):
            qname = f"{prefix}-{qn.replace('_', '-')}"
            s.add([], "aws_sqs_queue", qn, None,
                  {"name": qname, "message_retention_seconds": 345600 if qn == "events" else 1209600,
                   "visibility_timeout_seconds": 60, "sqs_managed_sse_enabled": True, "kms_master_key_id": None,
                   "fifo_queue": False, "delay_seconds": 0, "max_message_size": 262144, "receive_wait_time_seconds": 0},
                  {"arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{qname}", "id": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{qname}",
                   "computed": {"url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{qname}"}}, s.action())
    if r.chance(0.5):
        topic = s.add([], "aws_sns_topic", "alarms", None, {"name": f"{prefix}-alarms"},
                      {"arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:{prefix}-alarms", "id": f"arn:aws:sns:{REGION}:{ACCOUNT}:{prefix}-alarms"},
                      s.action())
        s.add([], "aws_sns_topic_subscription", "oncall", None,
              {"endpoint": f"oncall+{svc}@example.com", "protocol": "email",
               "topic_arn": ref(topic, f"arn:aws:sns:{REGION}:{ACCOUNT}:{prefix}-alarms")},
              {"arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:{prefix}-alarms:{r.uuid()}", "id": r.uuid()}, s.action(), tags=False,
              depends=[topic])
        for t in tables:
            s.add([], "aws_cloudwatch_metric_alarm", "throttles", t.key,
                  {"alarm_name": f"{prefix}-{t.key}-throttles", "namespace": "AWS/DynamoDB", "metric_name": "ThrottledRequests",
                   "dimensions": {"TableName": t.new[0]["name"]}, "statistic": "Sum", "period": 60, "evaluation_periods": 5,
                   "threshold": 10, "comparison_operator": "GreaterThanOrEqualToThreshold", "treat_missing_data": "notBreaching",
                   "alarm_actions": [ref(topic, f"arn:aws:sns:{REGION}:{ACCOUNT}:{prefix}-alarms")]},
                  {"arn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{prefix}-{t.key}-throttles",
                   "id": f"{prefix}-{t.key}-throttles"}, s.action(), depends=[topic])
    if tables and r.chance(0.5):
        s.add([], "aws_ssm_parameter", "outputs", "tables",
              {"name": f"/{svc}/prod/tables", "type": "String", "value": compact([t.new[1]["arn"] for t in tables])},
              {"arn": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{svc}/prod/tables", "id": f"/{svc}/prod/tables"},
              s.action())
    return s


# ---------------------------------------------------------------------------------------------
# The configuration section: each module's resources with their expressions (references or
# constants; dynamic blocks are left out, as Terraform leaves them out), written once and
# repeated under every call.

def R(*refs):
    return {"references": list(refs)}


def C(v):
    return {"constant_value": v}


def res_cfg(rtype, name, expressions, count=None, for_each=None, depends=None):
    d = {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name, "provider_config_key": "aws",
         "expressions": expressions, "schema_version": SHAPES[rtype]["schema_version"]}
    if count:
        d["count_expression"] = count
    if for_each:
        d["for_each_expression"] = for_each
    if depends:
        d["depends_on"] = depends
    return d


def var_cfg(names_defaults):
    out = {}
    for n, default, desc in names_defaults:
        v = {}
        if default is not ...:
            v["default"] = default
        if desc:
            v["description"] = desc
        out[n] = v
    return dict(sorted(out.items()))


TAGS = R("var.tags")
KMS_CFG = {
    "outputs": {"key_arn": {"expression": R("aws_kms_key.this.arn", "aws_kms_key.this"), "description": "ARN of the key."},
                "key_id": {"expression": R("aws_kms_key.this.key_id", "aws_kms_key.this")}},
    "resources": [
        res_cfg("aws_kms_alias", "this", {"name": R("var.name"), "target_key_id": R("aws_kms_key.this.key_id", "aws_kms_key.this")}),
        res_cfg("aws_kms_key", "this", {"deletion_window_in_days": R("var.deletion_window_in_days"), "description": R("var.name"),
                                        "enable_key_rotation": R("var.enable_key_rotation"), "is_enabled": R("var.is_enabled"),
                                        "multi_region": C(False), "policy": {}, "rotation_period_in_days": C(365),
                                        "tags": R("var.tags", "var.name")})],
    "variables": var_cfg([("deletion_window_in_days", 30, "Days before deletion."), ("enable_key_rotation", True, None),
                          ("is_enabled", True, None), ("name", ..., "Name of the key."), ("tags", {}, None)]),
}
TABLES_CFG = {
    "outputs": {"table_arns": {"expression": R("aws_dynamodb_table.this"), "description": "Table ARNs by short name."},
                "table_names": {"expression": R("aws_dynamodb_table.this")}},
    "resources": [
        res_cfg("aws_appautoscaling_policy", "this", {"name": R("each.value.resource_id", "each.value", "each.key"),
                                                      "policy_type": C("TargetTrackingScaling"),
                                                      "resource_id": R("each.value.resource_id", "each.value"),
                                                      "scalable_dimension": R("each.value.scalable_dimension", "each.value"),
                                                      "service_namespace": R("each.value.service_namespace", "each.value"),
                                                      "target_tracking_scaling_policy_configuration": [
                                                          {"target_value": C(70)}]},
                for_each=R("aws_appautoscaling_target.this")),
        res_cfg("aws_appautoscaling_target", "this", {"max_capacity": C(200), "min_capacity": R("var.tables", "each.value.table"),
                                                      "resource_id": R("aws_dynamodb_table.this", "each.value.table"),
                                                      "scalable_dimension": R("each.value.dimension", "each.value"),
                                                      "service_namespace": C("dynamodb")},
                for_each=R("local.autoscaling_targets")),
        res_cfg("aws_dynamodb_table", "this", {
            "billing_mode": R("each.value.billing_mode", "each.value"),
            "deletion_protection_enabled": R("var.deletion_protection_enabled"),
            "hash_key": R("each.value.hash_key", "each.value"),
            "name": R("var.name_prefix", "each.key"),
            "point_in_time_recovery": [{"enabled": R("each.value.point_in_time_recovery", "each.value")}],
            "range_key": R("each.value.range_key", "each.value"),
            "read_capacity": R("each.value.billing_mode", "each.value", "each.value.read_capacity"),
            "server_side_encryption": [{"enabled": R("var.server_side_encryption_enabled"),
                                        "kms_key_arn": R("var.server_side_encryption_enabled", "var.kms_key_arn")}],
            "stream_enabled": R("each.value.stream_view_type", "each.value"),
            "stream_view_type": R("each.value.stream_view_type", "each.value"),
            "table_class": C("STANDARD"),
            "tags": R("var.tags", "each.value.tags", "each.value", "var.name_prefix", "each.key"),
            "timeouts": {"create": C("10m"), "delete": C("10m"), "update": C("60m")},
            "write_capacity": R("each.value.billing_mode", "each.value", "each.value.write_capacity")},
            for_each=R("var.tables"))],
    "variables": var_cfg([("deletion_protection_enabled", True, None), ("kms_key_arn", None, "Customer managed key."),
                          ("name_prefix", ..., None), ("replica_regions", [], None),
                          ("server_side_encryption_enabled", True, None), ("tables", ..., "Tables by short name."),
                          ("tags", {}, None)]),
}
DAX_CFG = {
    "outputs": {"cluster_address": {"expression": R("aws_dax_cluster.this.cluster_address", "aws_dax_cluster.this")}},
    "resources": [
        res_cfg("aws_dax_cluster", "this", {
            "cluster_endpoint_encryption_type": R("var.cluster_endpoint_encryption_type"),
            "cluster_name": R("var.name"), "description": R("var.name"),
            "iam_role_arn": R("aws_iam_role.dax.arn", "aws_iam_role.dax"), "maintenance_window": C("sun:05:00-sun:06:00"),
            "node_type": R("var.node_type"), "parameter_group_name": C("default.dax1.0"),
            "replication_factor": R("var.replication_factor"),
            "security_group_ids": R("aws_security_group.dax.id", "aws_security_group.dax"),
            "subnet_group_name": R("aws_dax_subnet_group.this.name", "aws_dax_subnet_group.this"),
            "tags": R("var.tags"), "timeouts": {"create": C("45m"), "delete": C("60m"), "update": C("90m")}}),
        res_cfg("aws_dax_subnet_group", "this", {"name": R("var.name"), "subnet_ids": R("var.subnet_ids")}),
        res_cfg("aws_iam_role", "dax", {"assume_role_policy": {}, "name": R("var.name")}),
        res_cfg("aws_iam_role_policy", "dax", {"name": C("dynamodb-access"), "policy": {},
                                               "role": R("aws_iam_role.dax.id", "aws_iam_role.dax")}),
        res_cfg("aws_security_group", "dax", {"description": C("DAX cluster clients"), "name": R("var.name"),
                                              "vpc_id": R("var.vpc_id")})],
    "variables": var_cfg([("cluster_endpoint_encryption_type", "TLS", None), ("name", ..., None), ("node_type", "dax.t3.small", None),
                          ("replication_factor", 3, None), ("server_side_encryption_enabled", True, None),
                          ("subnet_ids", ..., None), ("table_arns", ..., None), ("tags", {}, None), ("vpc_id", ..., None)]),
}
CACHE_CFG = {
    "outputs": {"primary_endpoint_address": {"expression": R("aws_elasticache_replication_group.this")},
                "security_group_id": {"expression": R("aws_security_group.this.id", "aws_security_group.this")}},
    "resources": [
        res_cfg("aws_elasticache_cluster", "memcached", {
            "cluster_id": R("var.name"), "engine": C("memcached"), "node_type": R("var.node_type"), "num_cache_nodes": C(2),
            "parameter_group_name": C("default.memcached1.6"), "port": C(11211),
            "security_group_ids": R("aws_security_group.this.id", "aws_security_group.this"),
            "subnet_group_name": R("aws_elasticache_subnet_group.this.name", "aws_elasticache_subnet_group.this"),
            "tags": R("var.tags"), "transit_encryption_enabled": R("var.transit_encryption_enabled")},
            count=R("local.create_memcached")),
        res_cfg("aws_elasticache_parameter_group", "this", {"family": R("local.parameter_group_family"), "name": R("var.name"),
                                                            "parameter": [{"name": C("maxmemory-policy"), "value": C("allkeys-lru")}]},
                count=R("local.create_replication_group")),
        res_cfg("aws_elasticache_replication_group", "this", {
            "apply_immediately": C(False), "at_rest_encryption_enabled": R("var.at_rest_encryption_enabled"),
            "auto_minor_version_upgrade": C(True), "automatic_failover_enabled": C(True), "description": R("var.name"),
            "engine": R("var.engine"), "engine_version": R("var.engine_version"),
            "kms_key_id": R("var.at_rest_encryption_enabled", "var.kms_key_arn"),
            "maintenance_window": C("sun:05:30-sun:07:00"), "multi_az_enabled": C(True), "node_type": R("var.node_type"),
            "num_cache_clusters": R("var.cluster_mode_enabled", "var.num_cache_clusters"),
            "num_node_groups": R("var.cluster_mode_enabled", "var.num_node_groups"),
            "parameter_group_name": R("aws_elasticache_parameter_group.this[0].name", "aws_elasticache_parameter_group.this[0]",
                                      "aws_elasticache_parameter_group.this"),
            "port": C(6379), "replicas_per_node_group": R("var.cluster_mode_enabled", "var.replicas_per_node_group"),
            "replication_group_id": R("var.name"),
            "security_group_ids": R("aws_security_group.this.id", "aws_security_group.this"),
            "snapshot_retention_limit": C(7), "snapshot_window": C("03:00-05:00"),
            "subnet_group_name": R("aws_elasticache_subnet_group.this.name", "aws_elasticache_subnet_group.this"),
            "tags": R("var.tags"), "timeouts": {"create": C("60m"), "delete": C("40m"), "update": C("40m")},
            "transit_encryption_enabled": R("var.transit_encryption_enabled"),
            "transit_encryption_mode": R("var.transit_encryption_mode")},
            count=R("local.create_replication_group")),
        res_cfg("aws_elasticache_serverless_cache", "this", {
            "cache_usage_limits": [{"data_storage": [{"maximum": C(10), "unit": C("GB")}], "ecpu_per_second": [{"maximum": C(5000)}]}],
            "daily_snapshot_time": C("04:00"), "description": R("var.name"), "engine": R("var.engine"),
            "kms_key_id": R("var.kms_key_arn"), "major_engine_version": R("var.engine_version"), "name": R("var.name"),
            "security_group_ids": R("aws_security_group.this.id", "aws_security_group.this"), "snapshot_retention_limit": C(7),
            "subnet_ids": R("var.subnet_ids"), "tags": R("var.tags")},
            count=R("var.serverless")),
        res_cfg("aws_elasticache_subnet_group", "this", {"name": R("var.name"), "subnet_ids": R("var.subnet_ids")}),
        res_cfg("aws_security_group", "this", {"description": C("ElastiCache clients"), "name": R("var.name"),
                                               "vpc_id": R("var.vpc_id")}),
        res_cfg("aws_vpc_security_group_ingress_rule", "clients", {
            "from_port": R("local.port"), "ip_protocol": C("tcp"), "referenced_security_group_id": R("each.value"),
            "security_group_id": R("aws_security_group.this.id", "aws_security_group.this"), "to_port": R("local.port")},
            for_each=R("var.allowed_security_group_ids"))],
    "variables": var_cfg([("allowed_security_group_ids", [], None), ("at_rest_encryption_enabled", True, None),
                          ("cluster_mode_enabled", False, None), ("engine", "valkey", None), ("engine_version", None, None),
                          ("kms_key_arn", None, None), ("name", ..., None), ("node_type", "cache.t4g.small", None),
                          ("num_cache_clusters", 2, None), ("serverless", False, None), ("subnet_ids", ..., None),
                          ("tags", {}, None), ("transit_encryption_enabled", True, None),
                          ("transit_encryption_mode", None, None), ("vpc_id", ..., None)]),
}
SERVICE_CFG = {
    "outputs": {"table_arns": {"expression": R("module.tables.table_arns", "module.tables")},
                "kms_key_arn": {"expression": R("module.kms.key_arn", "module.kms")}},
    "resources": [
        res_cfg("aws_cloudwatch_log_group", "lambda", {"name": R("local.name", "each.key"), "retention_in_days": C(30)},
                for_each=R("var.functions")),
        res_cfg("aws_cloudwatch_metric_alarm", "throttles", {
            "alarm_actions": R("aws_sns_topic.alarms[0].arn", "aws_sns_topic.alarms[0]", "aws_sns_topic.alarms"),
            "alarm_name": R("local.name", "each.key"), "comparison_operator": C("GreaterThanOrEqualToThreshold"),
            "dimensions": R("module.tables.table_names", "module.tables", "each.key"), "evaluation_periods": C(5),
            "metric_name": C("ThrottledRequests"), "namespace": C("AWS/DynamoDB"), "period": C(60), "statistic": C("Sum"),
            "threshold": C(10), "treat_missing_data": C("notBreaching")}, for_each=R("var.alarm_tables")),
        res_cfg("aws_iam_policy", "app", {"description": C("Data access for the application"), "name": R("local.name"),
                                          "policy": R("module.tables.table_arns", "module.tables")}),
        res_cfg("aws_iam_role", "app", {"assume_role_policy": {}, "name": R("local.name")}),
        res_cfg("aws_iam_role", "lambda", {"assume_role_policy": {}, "name": R("local.name", "each.key")},
                for_each=R("var.functions")),
        res_cfg("aws_iam_role_policy_attachment", "app", {"policy_arn": R("each.value"), "role": R("aws_iam_role.app.name",
                                                                                                   "aws_iam_role.app")},
                for_each=R("aws_iam_policy.app.arn", "aws_iam_policy.app")),
        res_cfg("aws_lambda_function", "this", {
            "architectures": C(["arm64"]), "environment": [{"variables": R("var.environment", "module.tables.table_names",
                                                                           "module.tables")}],
            "filename": R("path.module", "each.key"), "function_name": R("local.name", "each.key"),
            "handler": C("app.handler"), "memory_size": C(512), "role": R("aws_iam_role.lambda", "each.key"),
            "runtime": C("python3.12"), "source_code_hash": R("path.module", "each.key"), "timeout": C(30),
            "tracing_config": [{"mode": C("Active")}],
            "vpc_config": [{"security_group_ids": R("var.app_security_group_ids"), "subnet_ids": R("var.subnet_ids")}]},
            for_each=R("var.functions"), depends=["aws_cloudwatch_log_group.lambda"]),
        res_cfg("aws_s3_bucket", "exports", {"bucket": R("local.name"), "force_destroy": C(False)}, count=R("var.buckets")),
        res_cfg("aws_sns_topic", "alarms", {"name": R("local.name")}, count=R("var.alarms_enabled")),
        res_cfg("aws_sqs_queue", "events", {"message_retention_seconds": C(345600), "name": R("local.name"),
                                            "sqs_managed_sse_enabled": C(True), "visibility_timeout_seconds": C(60)},
                count=R("var.queues")),
        res_cfg("aws_ssm_parameter", "outputs", {"name": R("var.name", "each.key"), "type": C("String"), "value": R("each.value")},
                for_each=R("module.tables.table_arns", "module.tables"))],
    "module_calls": {
        "cache": {"source": "../elasticache", "expressions": {"kms_key_arn": R("module.kms.key_arn", "module.kms"),
                                                               "name": R("local.name", "each.key"), "subnet_ids": R("var.subnet_ids"),
                                                               "vpc_id": R("var.vpc_id"), "engine": R("each.value.engine", "each.value"),
                                                               "serverless": R("each.value.serverless", "each.value")},
                  "for_each_expression": R("var.caches"), "module": CACHE_CFG},
        "dax": {"source": "../dax", "expressions": {"name": R("var.name"), "subnet_ids": R("var.subnet_ids"),
                                                     "table_arns": R("module.tables.table_arns", "module.tables"),
                                                     "vpc_id": R("var.vpc_id"), "tags": R("local.tags")},
                "count_expression": R("var.enable_dax"), "module": DAX_CFG},
        "kms": {"source": "../kms", "expressions": {"name": R("local.name"), "tags": R("local.tags")}, "module": KMS_CFG},
        "tables": {"source": "../dynamodb", "expressions": {"kms_key_arn": R("module.kms.key_arn", "module.kms"),
                                                             "name_prefix": R("local.name"), "tables": R("var.tables"),
                                                             "tags": R("local.tags")}, "module": TABLES_CFG},
    },
    "variables": var_cfg([("alarm_tables", {}, None), ("alarms_enabled", False, None), ("app_security_group_ids", [], None),
                          ("buckets", 0, None), ("caches", {}, "Caches by name."), ("enable_dax", False, None),
                          ("environment", ..., None), ("functions", {}, None), ("name", ..., "Service name."),
                          ("queues", 0, None), ("subnet_ids", ..., None), ("tables", {}, "Tables by short name."),
                          ("vpc_id", ..., None)]),
}
SERVICE_CFG_JSON = compact(SERVICE_CFG)


# ---------------------------------------------------------------------------------------------
# Writing one service's fragments.

def finish(inst, r):
    """Sets inst.new (with Unknown parts, or fully known) and inst.old (known) by the action."""
    v, ctx = inst.new
    if inst.action == "create":
        inst.new, inst.old = v, None
        return
    old = known(v, inst.type, ctx, r)
    if inst.action in ("no-op", "delete"):
        inst.new, inst.old = (old if inst.action == "no-op" else None), old
        return
    if inst.action == "update":
        new = copy.deepcopy(old)
        if "tags" in new and isinstance(new.get("tags"), dict):
            new["tags"]["CostCenter"] = f"cc-{r.randrange(1000, 9999)}"
            if isinstance(new.get("tags_all"), dict):
                new["tags_all"]["CostCenter"] = new["tags"]["CostCenter"]
        elif "tags_all" in new and isinstance(new.get("tags_all"), dict):
            new["tags_all"]["DataClassification"] = "confidential"
        if inst.type == "aws_dynamodb_table" and old["point_in_time_recovery"]:
            old["point_in_time_recovery"] = [{"enabled": False, "recovery_period_in_days": 0}]
        inst.new, inst.old = new, old
        return
    # replace: the old object differs in what forces the replacement; the new one is created.
    if inst.type == "aws_dax_cluster":
        old["server_side_encryption"] = [{"enabled": False}]
    elif inst.type == "aws_elasticache_replication_group":
        old["at_rest_encryption_enabled"] = "false"
        old["kms_key_id"] = None
    else:
        for k in NAME_KEYS:
            if isinstance(old.get(k), str):
                inst.replace_paths = [[k]]
                old[k] = old[k] + "-v1"
                break
        inst.reason = inst.reason or "replace_because_cannot_update"
    inst.new, inst.old = v, old


def state_resource(inst, values):
    d = {"address": inst.address(), "mode": "managed", "type": inst.type, "name": inst.name}
    if inst.key is not None:
        d["index"] = inst.key
    d["provider_name"] = PROVIDER
    d["schema_version"] = SHAPES[inst.type]["schema_version"]
    d["values"] = omit_unknowns(values)
    d["sensitive_values"] = sensitive_as_bool(values, SENSITIVE[inst.type])
    return d


def change(inst, rng):
    d = {"address": inst.address()}
    if inst.previous:
        d["previous_address"] = inst.previous
    m = inst.module_address()
    if m:
        d["module_address"] = m
    d["mode"] = "managed"
    d["type"] = inst.type
    d["name"] = inst.name
    if inst.key is not None:
        d["index"] = inst.key
    d["provider_name"] = PROVIDER
    if inst.deposed:
        d["deposed"] = inst.deposed
    sens = SENSITIVE[inst.type]
    a = inst.action
    if a == "create":
        c = {"actions": ["create"], "before": None, "after": omit_unknowns(inst.new), "after_unknown": unknown_as_bool(inst.new),
             "before_sensitive": False, "after_sensitive": sensitive_as_bool(inst.new, sens)}
    elif a == "delete":
        c = {"actions": ["delete"], "before": inst.old, "after": None, "after_unknown": {},
             "before_sensitive": sensitive_as_bool(inst.old, sens), "after_sensitive": False}
    else:
        actions = {"no-op": ["no-op"], "update": ["update"],
                   "replace": ["create", "delete"] if inst.type in ("aws_security_group", "aws_elasticache_parameter_group")
                   else ["delete", "create"]}[a]
        c = {"actions": actions, "before": inst.old, "after": omit_unknowns(inst.new),
             "after_unknown": unknown_as_bool(inst.new) if has_unknown(inst.new) else {},
             "before_sensitive": sensitive_as_bool(inst.old, sens), "after_sensitive": sensitive_as_bool(inst.new, sens)}
        if a == "replace" and inst.replace_paths:
            c["replace_paths"] = inst.replace_paths
    d["change"] = c
    if inst.reason:
        d["action_reason"] = inst.reason
    return d


def module_tree(insts, values_of):
    """planned_values / prior_state child module objects for a service, nested by module
    instance: {"resources": [...], "address": ..., "child_modules": [...]}."""
    root = {"children": {}, "resources": []}
    for inst in insts:
        values = values_of(inst)
        if values is None:
            continue
        node = root
        path = []
        for step in inst.module:
            path.append(step)
            key = tuple(path)
            node = node["children"].setdefault(key, {"children": {}, "resources": []})
        node["resources"].append(state_resource(inst, values))

    def emit(key, node):
        out = {}
        if node["resources"]:
            out["resources"] = node["resources"]
        out["address"] = ".".join(f"module.{n}{index_text(k)}" for n, k in key)
        kids = [emit(k, n) for k, n in sorted(node["children"].items(), key=lambda kv: [(n, str(k)) for n, k in kv[0]])]
        kids = [k for k in kids if k]
        if kids:
            out["child_modules"] = kids
        return out if ("resources" in out or "child_modules" in out) else None
    return [m for m in (emit(k, n) for k, n in sorted(root["children"].items())) if m]


def service_call_cfg(s):
    expressions = {"enable_dax": C(any(i.type == "aws_dax_cluster" for i in s.insts)), "environment": C("prod"),
                   "name": C(s.name), "subnet_ids": R("var.private_subnet_ids"), "vpc_id": R("var.vpc_id"),
                   "tables": R(f"local.services.{s.name}.tables", "local.services")}
    return '"' + s.call + '":{"source":"./modules/service","expressions":' + compact(dict(sorted(expressions.items()))) + \
        ',"module":' + SERVICE_CFG_JSON + "}"


def service_names(n):
    out = []
    for i in range(n):
        base = SERVICES[i % len(SERVICES)]
        out.append(base if i < len(SERVICES) else f"{base}-{i // len(SERVICES) + 1}")
    return out


class RootService(Service):
    def add(self, sub, rtype, name, key, attrs, ctx, action, tags=True, depends=()):
        inst = Inst(list(sub), rtype, name, key)
        inst.action = action
        inst.depends = list(depends)
        v = value(rtype, attrs, self.tags if tags else None)
        ctx.setdefault("id", attrs.get("name") or name)
        inst.new = (v, ctx)
        self.insts.append(inst)
        return inst


def build_root(r):
    s = RootService(r, "platform", -1)
    s.call = None  # the root module's own resources
    s.new_service = False
    kid = r.uuid()
    key = s.add([], "aws_kms_key", "platform", None,
                {"description": "platform shared key", "deletion_window_in_days": 30, "enable_key_rotation": True,
                 "is_enabled": True, "multi_region": True, "policy": "{}", "rotation_period_in_days": 365},
                {"arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/mrk-{kid.replace('-', '')}", "id": f"mrk-{kid.replace('-', '')}",
                 "computed": {"key_id": f"mrk-{kid.replace('-', '')}"}}, "no-op")
    s.add([], "aws_dynamodb_table", "terraform_locks", None,
          {"attribute": [{"name": "LockID", "type": "S"}], "billing_mode": "PAY_PER_REQUEST", "hash_key": "LockID",
           "name": "terraform-locks", "point_in_time_recovery": [{"enabled": True, "recovery_period_in_days": U}],
           "server_side_encryption": [{"enabled": True, "kms_key_arn": key.new[1]["arn"]}], "read_capacity": U, "write_capacity": U},
          {"arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/terraform-locks", "id": "terraform-locks",
           "computed": {"read_capacity": 0, "write_capacity": 0, "recovery_period_in_days": 35, "stream_arn": "",
                        "stream_label": "", "stream_view_type": ""}}, "no-op")
    s.add([], "aws_dynamodb_table", "legacy_sessions", None,
          {"attribute": [{"name": "id", "type": "S"}], "billing_mode": "PROVISIONED", "hash_key": "id", "read_capacity": 50,
           "write_capacity": 50, "name": "legacy-sessions", "point_in_time_recovery": UL, "server_side_encryption": UL,
           "ttl": [{"attribute_name": "expires", "enabled": True}]},
          {"arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/legacy-sessions", "id": "legacy-sessions",
           "computed": {"point_in_time_recovery": [{"enabled": False, "recovery_period_in_days": 0}],
                        "server_side_encryption": [], "stream_arn": "", "stream_label": "", "stream_view_type": ""}}, "update")
    return s


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=100, help="size of the plan in MiB (default 100)")
    ap.add_argument("--out", required=True, help="the plan file to write (its directory must exist)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--manifest", help="also write counts as JSON to this path")
    args = ap.parse_args(argv)
    if args.size_mb <= 0:
        ap.error("--size-mb must be positive")
    target = int(args.size_mb * 2**20)
    started = time.monotonic()
    out_dir = os.path.dirname(os.path.abspath(args.out))
    parts = {k: tempfile.TemporaryFile(dir=out_dir) for k in ("pv", "rc", "ps", "cfg", "drift")}
    index = {}  # call -> {section: (offset, length)}
    stats = {"services": 0, "instances": 0, "planned": 0, "by_type": {}, "actions": {}, "variants": {},
             "resource_changes": 0, "drift": 0, "deposed": 0, "moved": 0}
    names = service_names(100000)
    written = 0
    overhead = 4096

    def count(inst):
        stats["instances"] += 1
        stats["by_type"][inst.type] = stats["by_type"].get(inst.type, 0) + 1
        stats["actions"][inst.action] = stats["actions"].get(inst.action, 0) + 1
        if inst.action != "delete":
            stats["planned"] += 1

    def fragments(s, r):
        """Writes a service's fragments to the part files; returns their (offset, length) by section."""
        s.insts.sort(key=Inst.sort_key)
        extra = []
        for inst in s.insts:
            finish(inst, r)
            count(inst)
            if inst.action == "no-op" and r.chance(0.005):
                inst.previous = f"module.legacy_{s.call}.{inst.type}.{inst.name}{index_text(inst.key)}" if s.call else None
                stats["moved"] += inst.previous is not None
            if inst.action == "replace" and inst.type in ("aws_security_group", "aws_elasticache_parameter_group") and r.chance(0.3):
                dep = Inst(inst.module, inst.type, inst.name, inst.key)
                dep.action, dep.old, dep.deposed = "delete", copy.deepcopy(inst.old), r.hexstr(8)
                extra.append(dep)
                stats["deposed"] += 1
        rcs = sorted(s.insts + extra, key=lambda i: (i.sort_key(), i.deposed or ""))
        pos = {}

        def put(section, text):
            f = parts[section]
            start = f.tell()
            f.write(text.encode("utf-8"))
            pos[section] = (start, f.tell() - start)

        planned = [i for i in s.insts if i.action != "delete"]
        existing = [i for i in s.insts if i.action != "create"]
        if s.call is None:
            put("pv", ",".join(compact(state_resource(i, i.new)) for i in planned))
            put("ps", ",".join(compact(state_resource(i, i.old)) for i in existing))
        else:
            put("pv", ",".join(compact(m) for m in module_tree(planned, lambda i: i.new)))
            put("ps", ",".join(compact(m) for m in module_tree(existing, lambda i: i.old)))
        put("rc", ",".join(compact(change(i, r)) for i in rcs))
        stats["resource_changes"] += len(rcs)
        drift = []
        for i in s.insts:
            if i.action == "no-op" and r.chance(0.01) and isinstance(i.old.get("tags_all"), dict):
                before = copy.deepcopy(i.old)
                before["tags_all"]["LastEditedBy"] = "console"
                if isinstance(before.get("tags"), dict):
                    before["tags"]["LastEditedBy"] = "console"
                d = change(i, r)
                d["change"] = {"actions": ["update"], "before": before, "after": i.old, "after_unknown": {},
                               "before_sensitive": sensitive_as_bool(before, SENSITIVE[i.type]),
                               "after_sensitive": sensitive_as_bool(i.old, SENSITIVE[i.type])}
                d.pop("previous_address", None)
                drift.append(d)
        stats["drift"] += len(drift)
        put("drift", ",".join(compact(d) for d in drift))
        if s.call is not None:
            put("cfg", service_call_cfg(s))
        for what, d in s.notes.items():
            into = stats["variants"].setdefault(what, {})
            for k, v in d.items():
                into[k] = into.get(k, 0) + v
        return pos

    root = build_root(Rand(f"atrest-bench-tfplan:{args.seed}:root"))
    index[None] = fragments(root, Rand(f"atrest-bench-tfplan:{args.seed}:root:finish"))
    written += sum(v[1] for v in index[None].values())
    calls = []
    i = 0
    while written + overhead < target:
        r = Rand(f"atrest-bench-tfplan:{args.seed}:{i}")
        s = build_service(Service(r, names[i], i))
        pos = fragments(s, r)
        index[s.call] = pos
        calls.append(s.call)
        written += sum(v[1] for v in pos.values()) + 8
        stats["services"] += 1
        i += 1

    def read(section, call):
        off, n = index[call][section]
        f = parts[section]
        f.seek(off)
        return f.read(n)

    def copy_joined(w, section, keys):
        """Writes the sections' fragments of `keys`, comma-separated, one at a time."""
        first = True
        for k in keys:
            chunk = read(section, k)
            if chunk:
                if not first:
                    w(b",")
                w(chunk)
                first = False
        return not first

    order = sorted(calls)
    variables = {"environment": {"value": "prod"}, "private_subnet_ids": {"value": ["subnet-0a1b2c3d4e5f60718", "subnet-0b1c2d3e4f5a60718"]},
                 "region": {"value": REGION}, "vpc_id": {"value": "vpc-0a1b2c3d4e5f60718"}}
    outputs_pv = {"account_id": {"sensitive": False, "type": "string", "value": ACCOUNT},
                  "services": {"sensitive": False, "type": ["list", "string"], "value": order}}
    output_changes = {"account_id": {"actions": ["no-op"], "before": ACCOUNT, "after": ACCOUNT, "after_unknown": False,
                                     "before_sensitive": False, "after_sensitive": False},
                      "services": {"actions": ["no-op"], "before": order, "after": order, "after_unknown": False,
                                   "before_sensitive": False, "after_sensitive": False}}
    provider_config = {"aws": {"name": "aws", "full_name": PROVIDER, "version_constraint": ">= 5.40.0, < 6.0.0",
                               "expressions": {"default_tags": [{"tags": C(DEFAULT_TAGS)}], "region": R("var.region")}}}
    root_cfg_resources = [
        res_cfg("aws_dynamodb_table", "legacy_sessions", {"attribute": [{"name": C("id"), "type": C("S")}],
                                                          "billing_mode": C("PROVISIONED"), "hash_key": C("id"),
                                                          "name": C("legacy-sessions"), "read_capacity": C(50),
                                                          "ttl": [{"attribute_name": C("expires"), "enabled": C(True)}],
                                                          "write_capacity": C(50)}),
        res_cfg("aws_dynamodb_table", "terraform_locks", {"attribute": [{"name": C("LockID"), "type": C("S")}],
                                                          "billing_mode": C("PAY_PER_REQUEST"), "hash_key": C("LockID"),
                                                          "name": C("terraform-locks"),
                                                          "point_in_time_recovery": [{"enabled": C(True)}],
                                                          "server_side_encryption": [{"enabled": C(True),
                                                                                      "kms_key_arn": R("aws_kms_key.platform.arn",
                                                                                                       "aws_kms_key.platform")}]}),
        res_cfg("aws_kms_key", "platform", {"description": C("platform shared key"), "enable_key_rotation": C(True),
                                            "multi_region": C(True), "policy": {}})]
    relevant = []
    checks = [{"address": {"kind": "var", "name": "environment", "to_display": "var.environment"}, "status": "pass",
               "instances": [{"address": {"to_display": "var.environment"}, "status": "pass"}]}]
    tmp = args.out + ".partial"
    with open(tmp, "wb") as f:
        w = f.write
        w(b'{"format_version":"1.2","terraform_version":"' + TERRAFORM_VERSION.encode() + b'","variables":')
        w(compact(variables).encode())
        w(b',"planned_values":{"outputs":' + compact(outputs_pv).encode() + b',"root_module":{"resources":[')
        w(read("pv", None))
        w(b'],"child_modules":[')
        copy_joined(w, "pv", order)
        w(b"]}}")
        if any(index[k]["drift"][1] for k in [None] + order):
            w(b',"resource_drift":[')
            copy_joined(w, "drift", [None] + order)
            w(b"]")
            for k in [None] + order:
                if index[k]["drift"][1]:
                    for d in json.loads(b"[" + read("drift", k) + b"]"):
                        relevant.append({"resource": d["address"], "attribute": ["tags_all"]})
        w(b',"resource_changes":[')
        copy_joined(w, "rc", [None] + order)
        w(b"]")
        w(b',"output_changes":' + compact(output_changes).encode())
        w(b',"prior_state":{"format_version":"1.0","terraform_version":"' + TERRAFORM_VERSION.encode() + b'","values":{"outputs":')
        w(compact({k: {"sensitive": v["sensitive"], "value": v["value"], "type": v["type"]} for k, v in outputs_pv.items()}).encode())
        w(b',"root_module":{"resources":[' + read("ps", None) + b'],"child_modules":[')
        copy_joined(w, "ps", order)
        w(b"]}}}")
        w(b',"configuration":{"provider_config":' + compact(provider_config).encode())
        w(b',"root_module":{"outputs":' + compact({"account_id": {"expression": R("data.aws_caller_identity.current.account_id",
                                                                                 "data.aws_caller_identity.current")},
                                                   "services": {"expression": R("local.services")}}).encode())
        w(b',"resources":' + compact(root_cfg_resources).encode())
        w(b',"module_calls":{')
        copy_joined(w, "cfg", order)
        w(b"}")
        w(b',"variables":' + compact(var_cfg([("environment", ..., "Deployment environment."), ("private_subnet_ids", ..., None),
                                               ("region", "us-east-1", None), ("vpc_id", ..., None)])).encode() + b"}}")
        w(b',"relevant_attributes":' + compact(relevant).encode())
        w(b',"checks":' + compact(checks).encode())
        w(b',"timestamp":"' + TIMESTAMP.encode() + b'","applyable":true,"complete":true,"errored":false}\n')
    os.replace(tmp, args.out)
    size = os.path.getsize(args.out)
    elapsed = time.monotonic() - started
    checked = {"aws_dax_cluster", "aws_dynamodb_table", "aws_elasticache_replication_group", "aws_elasticache_cluster",
               "aws_elasticache_serverless_cache"}
    if args.manifest:
        with open(os.path.abspath(__file__), "rb") as fh:
            sha = hashlib.sha256(fh.read()).hexdigest()
        manifest = {"generator": "bench/gen_plan.py", "generator_sha256": sha, "format": 1, "kind": "tfplan",
                    "seed": args.seed, "size_mb": args.size_mb, "plan_file": os.path.basename(args.out),
                    "files": 1, "bytes": size, "services": stats["services"],
                    "resources": stats["planned"], "instances_in_changes": stats["instances"],
                    "resource_changes": stats["resource_changes"], "resource_drift": stats["drift"],
                    "deposed": stats["deposed"], "moved": stats["moved"],
                    "checked_resources": sum(v for k, v in stats["by_type"].items() if k in checked),
                    "actions": dict(sorted(stats["actions"].items())),
                    "by_type": dict(sorted(stats["by_type"].items())),
                    "variants": {k: dict(sorted(v.items())) for k, v in sorted(stats["variants"].items())}}
        with open(args.manifest, "w") as fh:
            json.dump(manifest, fh, indent=2)
            fh.write("\n")
    print(f"gen_plan: {size} bytes ({size / 2**20:.1f} MiB), {stats['services']} services, {stats['planned']} resources in "
          f"planned_values ({stats['resource_changes']} resource changes: "
          + ", ".join(f"{k} {v}" for k, v in sorted(stats["actions"].items()))
          + f"), seed {args.seed}, {elapsed:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
