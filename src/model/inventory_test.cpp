#include "model/inventory.h"

#include <gtest/gtest.h>

namespace atrest {
namespace {

KmsKey key(const char* id, const char* account, const char* region) {
  KmsKey k;
  k.id = id;
  k.account = intern(account);
  k.region = intern(region);
  k.arn = Field<std::string>::known(std::string("arn:aws:kms:") + region + ":" + account + ":key/" + id);
  return k;
}

TEST(Inventory, FindsKeysByArnAliasAndBareId) {
  Inventory inv;
  KmsKey k = key("1111", "111122223333", "eu-west-1");
  inv.add(k);
  inv.add_kms_alias(intern("111122223333"), intern("eu-west-1"), nullptr, "alias/orders", "1111");
  inv.add(key("2222", "111122223333", "us-east-1"));
  inv.add_kms_alias(intern("111122223333"), intern("us-east-1"), nullptr, "alias/aws/dynamodb", "2222");
  inv.finalize();
  const auto* acct = intern("111122223333");
  const auto* eu = intern("eu-west-1");
  const auto* us = intern("us-east-1");
  auto from = [](const std::string* account, const std::string* region) {
    DynamoDbTable t;
    t.account = account;
    t.region = region;
    return t;
  };
  ASSERT_NE(inv.find_kms_key("arn:aws:kms:eu-west-1:111122223333:key/1111", from(nullptr, nullptr)), nullptr);
  EXPECT_EQ(inv.find_kms_key("1111", from(acct, eu))->id, "1111");
  EXPECT_EQ(inv.find_kms_key("1111", from(acct, us)), nullptr) << "bare ids are scoped to the region";
  EXPECT_EQ(inv.find_kms_key("alias/orders", from(acct, eu))->id, "1111");
  EXPECT_EQ(inv.find_kms_key("alias/aws/dynamodb", from(acct, us))->id, "2222");
  EXPECT_EQ(inv.find_kms_key("arn:aws:kms:us-east-1:111122223333:alias/aws/dynamodb", from(nullptr, nullptr))->id,
            "2222");
  EXPECT_EQ(inv.find_kms_key("arn:aws:kms:eu-west-1:999999999999:key/1111", from(nullptr, nullptr)), nullptr)
      << "the same key id in another account is another key";
}

TEST(Inventory, KeepsTheRichestThenNewestObservationAndDropsDeleted) {
  Inventory inv;
  KmsKey listed = key("1111", "1", "r");
  listed.detail = Detail::kListing;
  KmsKey described = key("1111", "1", "r");
  described.key_state = Field<std::string>::known("Disabled");
  inv.add(described);
  inv.add(listed);  // later, but less detailed: must not win
  DynamoDbTable old_item, new_item, gone_old, gone_new;
  for (DynamoDbTable* t : {&old_item, &new_item, &gone_old, &gone_new}) {
    t->account = intern("1");
    t->region = intern("r");
    t->detail = Detail::kConfigItem;
  }
  old_item.id = new_item.id = "orders";
  new_item.observed_at = 200;
  old_item.observed_at = 100;
  new_item.table_status = Field<std::string>::known("ACTIVE");
  old_item.table_status = Field<std::string>::known("CREATING");
  gone_old.id = gone_new.id = "legacy";
  gone_old.observed_at = 100;
  gone_new.observed_at = 300;
  gone_new.deleted = true;
  inv.add(new_item);
  inv.add(old_item);  // older capture time, added later: must not win
  inv.add(gone_old);
  inv.add(gone_new);
  inv.finalize();
  ASSERT_EQ(inv.kms_keys().size(), 1u);
  EXPECT_EQ(inv.kms_keys()[0].key_state.value(), "Disabled");
  ASSERT_EQ(inv.tables().size(), 1u);
  EXPECT_EQ(inv.tables()[0].table_status.value(), "ACTIVE");
}

TEST(Field, DefaultIsUnknownNeverAbsent) {
  Field<bool> f;
  EXPECT_TRUE(f.is_unknown());
  EXPECT_FALSE(f.is_absent());
  EXPECT_EQ(Field<bool>::unknown("because").reason(), "because");
  EXPECT_TRUE(Field<bool>::known(false).is_known());
}

}  // namespace
}  // namespace atrest
