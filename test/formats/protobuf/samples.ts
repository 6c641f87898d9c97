/** Rich sample schemas shared by the protobuf tests. */

export const PROTO3_RICH = `// A proto3 sample with most features.
syntax = "proto3";

package acme.orders.v1;

import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
import "common.proto";

option java_package = "com.acme.orders";
option java_multiple_files = true;
option (confluent.file_meta) = { doc: "Orders" };

/* Block comment with a "quote" and a brace { */
message Order {
  option (confluent.message_meta).tags = "PII";
  reserved 15, 20 to 25;
  reserved "legacy_id";

  string id = 1 [(confluent.field_meta) = { doc: "order id", tags: ["key"] }];
  google.protobuf.Timestamp created = 2;
  repeated Line lines = 3;
  map<string, string> labels = 4;
  map<int64, Line> by_number = 5;
  optional string note = 6 [json_name = "theNote"];
  Status status = 7;
  acme.common.Money total = 8;
  oneof payment {
    Card card = 9;
    string voucher = 10 [deprecated = true];
  }
  repeated double weights = 11 [packed = false];
  bytes blob = 12;

  message Line {
    string sku = 1;
    uint32 quantity = 2;
    .acme.common.Money price = 3;
  }
  message Card {
    string number = 1;
    fixed32 expiry = 2;
  }
  enum Status {
    STATUS_UNSPECIFIED = 0;
    STATUS_OPEN = 1;
    STATUS_CLOSED = 2 [deprecated = true];
  }
}

message OrderEvent {
  Order order = 1;
  Order.Status previous = 2;
}

enum Channel {
  option allow_alias = true;
  CHANNEL_UNSPECIFIED = 0;
  WEB = 1;
  ONLINE = 1;
  reserved 5 to 9, 100 to max;
  reserved "PHONE";
}

service Orders {
  rpc Get (Order) returns (Order);
  rpc Watch (OrderEvent) returns (stream OrderEvent) {
    option deprecated = true;
  }
}
`;

export const COMMON = `syntax = "proto3";
package acme.common;
message Money {
  string currency = 1;
  int64 units = 2;
  sint32 nanos = 3;
}
`;

export const PROTO2_RICH = `syntax = "proto2";
package legacy;

option optimize_for = CODE_SIZE;

message Record {
  required string key = 1;
  optional int32 count = 2 [default = 10];
  optional string name = 3 [default = "it's a \\"name\\"\\n\\twith\\\\escapes and unicode é"];
  optional bytes raw = 4 [default = "\\000\\001\\xff"];
  optional Kind kind = 5 [default = KIND_B];
  optional float ratio = 6 [default = -inf];
  optional double scale = 7 [default = 2.5e-3];
  repeated sint64 deltas = 8 [packed = true];
  optional group Meta = 9 {
    optional string author = 1;
    repeated string tags = 2;
  }
  oneof extra {
    string text = 10;
    int64 number = 11;
  }
  map<string, Record> children = 12;
  optional uint64 big = 13 [default = 18446744073709551615];

  extensions 100 to 199;
  extensions 1000 to max;

  enum Kind {
    KIND_A = 1;
    KIND_B = 2;
  }
}

extend Record {
  optional string annotation = 100;
  repeated int32 marks = 101;
}

message Holder {
  extend Record {
    optional Holder holder = 150;
  }
  optional Record record = 1;
}
`;
