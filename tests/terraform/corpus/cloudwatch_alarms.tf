locals {
  alarms = {
    cpu = {
      metric    = "CPUUtilization"
      threshold = 80
      statistic = "Average"
    }
    memory = {
      metric    = "DatabaseMemoryUsagePercentage"
      threshold = 90
      statistic = "Maximum"
    }
    evictions = {
      metric    = "Evictions"
      threshold = 1000
      statistic = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "cache" {
  for_each = { for pair in setproduct(keys(local.alarms), aws_elasticache_replication_group.redis[0].member_clusters) : "${pair[0]}-${pair[1]}" => {
    alarm   = local.alarms[pair[0]]
    cluster = pair[1]
  } }

  alarm_name          = "${each.value.cluster}-${each.key}"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = each.value.alarm.metric
  namespace           = "AWS/ElastiCache"
  period              = 300
  statistic           = each.value.alarm.statistic
  threshold           = each.value.alarm.threshold
  alarm_description   = "${each.value.alarm.metric} above ${each.value.alarm.threshold} on ${each.value.cluster}"
  alarm_actions       = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
  treat_missing_data  = "notBreaching"

  dimensions = {
    CacheClusterId = each.value.cluster
  }
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  count = length(var.table_names)

  alarm_name          = "${var.table_names[count.index]}-throttles"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  threshold           = 1
  alarm_description   = "Throttled requests on ${var.table_names[count.index]}"

  metric_query {
    id          = "e1"
    expression  = "m1 + m2"
    label       = "Throttles"
    return_data = true
  }

  metric_query {
    id = "m1"
    metric {
      metric_name = "ReadThrottleEvents"
      namespace   = "AWS/DynamoDB"
      period      = 60
      stat        = "Sum"
      dimensions  = { TableName = var.table_names[count.index] }
    }
  }

  metric_query {
    id = "m2"
    metric {
      metric_name = "WriteThrottleEvents"
      namespace   = "AWS/DynamoDB"
      period      = 60
      stat        = "Sum"
      dimensions  = { TableName = var.table_names[count.index] }
    }
  }
}
