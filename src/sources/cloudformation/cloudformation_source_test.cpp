#include "sources/cloudformation/cloudformation_source.h"

#include <gtest/gtest.h>

namespace atrest {
namespace {

const char* kNetworkAndIam = R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DaxSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: DAX clients
      VpcId: vpc-0123
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 9111, ToPort: 9111, CidrIp: 0.0.0.0/0}
  ExtraRule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DaxSg.GroupId
      IpProtocol: tcp
      FromPort: 8111
      ToPort: 8111
      SourceSecurityGroupId: !Ref AppSg
  AppSg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: app, VpcId: vpc-0123}
  Subnets:
    Type: AWS::DAX::SubnetGroup
    Properties: {SubnetIds: [subnet-1, subnet-2, subnet-3]}
  DaxRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: dax.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: tables
          PolicyDocument:
            Statement: [{Effect: Allow, Action: "dynamodb:*", Resource: "*"}]
  TablePolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: t
      Roles: [!Ref DaxRole]
      PolicyDocument:
        Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: !GetAtt Table.Arn}]
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      BillingMode: PAY_PER_REQUEST
  Cache:
    Type: AWS::DAX::Cluster
    Properties:
      NodeType: dax.r5.large
      ReplicationFactor: 3
      IAMRoleARN: !GetAtt DaxRole.Arn
      SubnetGroupName: !Ref Subnets
      SecurityGroupIds: [!GetAtt DaxSg.GroupId]
)";

TEST(CloudFormationSource, MapsNetworkAndIamWithReferencesResolved) {
  Inventory inv;
  InputSummary summary;
  const std::string* file = intern("t.yaml");
  ASSERT_EQ(read_template(file, kNetworkAndIam, CloudFormationOptions{}, inv, summary), TemplateResult::kTemplate);
  inv.finalize();
  ASSERT_TRUE(summary.errors.empty()) << summary.errors[0];
  ASSERT_EQ(inv.dax_clusters().size(), 1u);
  const DaxCluster& c = inv.dax_clusters()[0];
  EXPECT_EQ(c.security_group_ids.value(), std::vector<std::string>{"DaxSg"});
  EXPECT_EQ(c.subnet_group.value(), "Subnets");
  EXPECT_EQ(c.iam_role_arn.value(), "DaxRole");
  ASSERT_EQ(inv.security_groups().size(), 2u);
  const SecurityGroup& sg = inv.security_groups()[0];
  EXPECT_EQ(sg.id, "DaxSg");
  ASSERT_EQ(sg.ingress.value().size(), 2u) << "the inline rule and the standalone SecurityGroupIngress";
  EXPECT_EQ(sg.ingress.value()[0].cidr_ipv4.value(), "0.0.0.0/0");
  EXPECT_EQ(sg.ingress.value()[0].from_port.value(), 9111);
  EXPECT_EQ(sg.ingress.value()[1].source_group.value(), "AppSg");
  ASSERT_EQ(inv.subnet_groups().size(), 1u);
  EXPECT_EQ(inv.subnet_groups()[0].subnet_ids.value().size(), 3u);
  ASSERT_EQ(inv.iam_roles().size(), 1u);
  EXPECT_NE(inv.iam_roles()[0].assume_role_policy.value().find("\"dax.amazonaws.com\""), std::string::npos);
  ASSERT_EQ(inv.iam_roles()[0].inline_policies.value().size(), 1u);
  EXPECT_NE(inv.iam_roles()[0].inline_policies.value()[0].find("\"Action\":\"dynamodb:*\""), std::string::npos);
  ASSERT_EQ(inv.iam_policies().size(), 1u);
  EXPECT_EQ(inv.iam_policies()[0].attached_roles.value(), std::vector<std::string>{"DaxRole"});
  EXPECT_NE(inv.iam_policies()[0].document.value().find("\"Resource\":\"${Table.Arn}\""), std::string::npos);
}

TEST(CloudFormationSource, ParameterFilesInBothForms) {
  std::map<std::string, std::string> params;
  EXPECT_NE(read_parameter_file("/nonexistent.json", params), "");
  EXPECT_TRUE(params.empty());
}

}  // namespace
}  // namespace atrest
