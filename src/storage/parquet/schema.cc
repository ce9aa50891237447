#include "storage/parquet/schema.h"

namespace keel::parquet {

namespace {

using batch::DataType;
using batch::TypeId;
using K = LogicalType::Kind;

Status Bad(const std::string& what) {
  return Status::Corruption("invalid Parquet schema: " + what);
}

bool Is(const SchemaElement& e, ConvertedType c) {
  return e.converted_type && *e.converted_type == static_cast<int32_t>(c);
}

// Resolves the batch type and conversion of a primitive element.
Status ResolveLeaf(const SchemaElement& e, LeafDescriptor* leaf) {
  if (!e.type || *e.type < 0 || *e.type > 7) {
    return Bad("column '" + e.name + "' has unknown physical type " +
               (e.type ? std::to_string(*e.type) : std::string("(none)")));
  }
  Type t = static_cast<Type>(*e.type);
  leaf->physical = t;
  leaf->type_length = e.type_length;
  const LogicalType& lt = e.logical_type;
  bool is_decimal = lt.kind == K::kDecimal || Is(e, ConvertedType::kDecimal);
  int precision = lt.kind == K::kDecimal ? lt.precision : e.precision;
  int scale = lt.kind == K::kDecimal ? lt.scale : e.scale;
  if (is_decimal && (precision <= 0 || precision > batch::kMaxDecimalPrecision || scale < 0 ||
                     scale > precision)) {
    return Status::NotImplemented("column '" + e.name + "' has decimal(" +
                                  std::to_string(precision) + "," + std::to_string(scale) +
                                  "), outside what Keel supports (precision 1..38)");
  }
  auto set = [&](TypeId id, LeafConversion c) {
    leaf->type = DataType::Primitive(id);
    leaf->conversion = c;
    return Status::OK();
  };
  auto set_decimal = [&](LeafConversion c) {
    leaf->type = DataType::Decimal(precision, scale);
    leaf->conversion = c;
    return Status::OK();
  };
  switch (t) {
    case Type::kBoolean:
      return set(TypeId::kBoolean, LeafConversion::kBoolean);
    case Type::kInt32: {
      if (is_decimal) return set_decimal(LeafConversion::kInt32Decimal);
      if (lt.kind == K::kDate || Is(e, ConvertedType::kDate)) {
        return set(TypeId::kDate, LeafConversion::kInt32);
      }
      int bits = 32;
      bool is_signed = true;
      if (lt.kind == K::kInteger) {
        bits = lt.bit_width;
        is_signed = lt.is_signed;
      } else if (Is(e, ConvertedType::kInt8))
        bits = 8;
      else if (Is(e, ConvertedType::kInt16))
        bits = 16;
      else if (Is(e, ConvertedType::kUint8))
        bits = 8, is_signed = false;
      else if (Is(e, ConvertedType::kUint16))
        bits = 16, is_signed = false;
      else if (Is(e, ConvertedType::kUint32))
        is_signed = false;
      if (is_signed && bits == 8) return set(TypeId::kByte, LeafConversion::kInt32);
      if (is_signed && bits == 16) return set(TypeId::kShort, LeafConversion::kInt32);
      if (!is_signed && bits == 8) return set(TypeId::kShort, LeafConversion::kInt32);
      if (!is_signed && bits == 16) return set(TypeId::kInt, LeafConversion::kInt32);
      if (!is_signed) return set(TypeId::kLong, LeafConversion::kUint32ToLong);
      return set(TypeId::kInt, LeafConversion::kInt32);
    }
    case Type::kInt64: {
      if (is_decimal) return set_decimal(LeafConversion::kInt64Decimal);
      if (lt.kind == K::kTimestamp) {
        TypeId id = lt.adjusted_to_utc ? TypeId::kTimestamp : TypeId::kTimestampNtz;
        if (lt.unit == TimeUnit::kMillis) return set(id, LeafConversion::kInt64Millis);
        if (lt.unit == TimeUnit::kNanos) return set(id, LeafConversion::kInt64Nanos);
        return set(id, LeafConversion::kInt64);
      }
      if (Is(e, ConvertedType::kTimestampMillis)) {
        return set(TypeId::kTimestamp, LeafConversion::kInt64Millis);
      }
      if (Is(e, ConvertedType::kTimestampMicros)) {
        return set(TypeId::kTimestamp, LeafConversion::kInt64);
      }
      bool is_unsigned = (lt.kind == K::kInteger && !lt.is_signed) || Is(e, ConvertedType::kUint64);
      if (is_unsigned) {
        leaf->type = DataType::Decimal(20, 0);
        leaf->conversion = LeafConversion::kUint64ToDecimal;
        return Status::OK();
      }
      return set(TypeId::kLong, LeafConversion::kInt64);
    }
    case Type::kInt96:
      return set(TypeId::kTimestamp, LeafConversion::kInt96);
    case Type::kFloat:
      return set(TypeId::kFloat, LeafConversion::kFloat);
    case Type::kDouble:
      return set(TypeId::kDouble, LeafConversion::kDouble);
    case Type::kFixedLenByteArray:
      if (e.type_length <= 0) {
        return Bad("FIXED_LEN_BYTE_ARRAY column '" + e.name + "' has length " +
                   std::to_string(e.type_length));
      }
      if (is_decimal) {
        if (e.type_length > 16) return Bad("decimal column '" + e.name + "' wider than 16 bytes");
        return set_decimal(LeafConversion::kBytesDecimal);
      }
      if (lt.kind == K::kFloat16) {
        if (e.type_length != 2) return Bad("FLOAT16 column '" + e.name + "' is not 2 bytes");
        return set(TypeId::kFloat, LeafConversion::kFloat16);
      }
      return set(TypeId::kBinary, LeafConversion::kBytes);
    case Type::kByteArray:
      if (is_decimal) return set_decimal(LeafConversion::kBytesDecimal);
      if (lt.kind == K::kString || lt.kind == K::kEnum || lt.kind == K::kJson ||
          Is(e, ConvertedType::kUtf8) || Is(e, ConvertedType::kEnum) ||
          Is(e, ConvertedType::kJson)) {
        return set(TypeId::kString, LeafConversion::kBytes);
      }
      return set(TypeId::kBinary, LeafConversion::kBytes);
  }
  return Bad("unknown physical type");
}

class Builder {
 public:
  Builder(const std::vector<SchemaElement>& elements, std::vector<LeafDescriptor>* leaves)
      : elements_(elements), leaves_(leaves) {}

  // Builds the node at elements_[idx_]. `as_element` means the caller (a LIST/MAP or a bare
  // repeated field) already accounted for this element's repetition: treat it as required.
  Result<SchemaNode> Build(int16_t parent_def, int16_t parent_rep, bool as_element, int depth,
                           std::vector<std::string> path) {
    if (depth > kMaxSchemaDepth)
      return Bad("nested deeper than " + std::to_string(kMaxSchemaDepth));
    if (idx_ >= elements_.size()) return Bad("num_children exceeds the element count");
    const size_t my_idx = idx_;
    const SchemaElement& e = elements_[my_idx];
    int32_t rep = e.repetition.value_or(0);
    if (rep < 0 || rep > 2) return Bad("field '" + e.name + "' has unknown repetition");
    path.push_back(e.name);

    if (rep == static_cast<int32_t>(Repetition::kRepeated) && !as_element) {
      // A repeated field outside a LIST: a required list of required elements.
      SchemaNode list;
      list.kind = SchemaNode::Kind::kList;
      list.name = e.name;
      list.nullable = false;
      list.def_level = parent_def;
      list.element_def_level = parent_def + 1;
      list.element_rep_level = parent_rep + 1;
      path.pop_back();
      KEEL_ASSIGN_OR_RETURN(SchemaNode element,
                            Build(parent_def + 1, parent_rep + 1, true, depth + 1, path));
      list.first_leaf = element.first_leaf;
      list.type = DataType::Array(element.type, false);
      list.children.push_back(std::move(element));
      return list;
    }
    ++idx_;
    SchemaNode node;
    node.name = e.name;
    bool optional = !as_element && rep == static_cast<int32_t>(Repetition::kOptional);
    node.nullable = optional;
    node.def_level = parent_def + (optional ? 1 : 0);
    const int16_t def = node.def_level;

    bool is_group = !e.type.has_value() || e.num_children > 0;
    if (!is_group) {
      LeafDescriptor leaf;
      leaf.path = path;
      leaf.max_def = def;
      leaf.max_rep = parent_rep;
      leaf.element = &e;
      KEEL_RETURN_IF_ERROR(ResolveLeaf(e, &leaf));
      node.kind = SchemaNode::Kind::kLeaf;
      node.type = leaf.type;
      node.leaf_index = node.first_leaf = static_cast<int>(leaves_->size());
      leaves_->push_back(std::move(leaf));
      return node;
    }
    if (e.num_children <= 0 || static_cast<size_t>(e.num_children) > elements_.size() - idx_) {
      return Bad("group '" + e.name + "' has " + std::to_string(e.num_children) + " children");
    }
    bool is_list = e.logical_type.kind == K::kList || Is(e, ConvertedType::kList);
    bool is_map = e.logical_type.kind == K::kMap || Is(e, ConvertedType::kMap) ||
                  Is(e, ConvertedType::kMapKeyValue);
    const SchemaElement& child = elements_[idx_];
    bool child_repeated =
        child.repetition.value_or(0) == static_cast<int32_t>(Repetition::kRepeated);
    if ((is_list || is_map) && e.num_children == 1 && child_repeated) {
      node.element_def_level = def + 1;
      node.element_rep_level = parent_rep + 1;
      bool child_is_group = !child.type.has_value() || child.num_children > 0;
      if (is_map && child_is_group && (child.num_children == 2)) {
        node.kind = SchemaNode::Kind::kMap;
        ++idx_;  // the key_value group
        path.push_back(child.name);
        KEEL_ASSIGN_OR_RETURN(SchemaNode key,
                              Build(def + 1, parent_rep + 1, false, depth + 2, path));
        KEEL_ASSIGN_OR_RETURN(SchemaNode value,
                              Build(def + 1, parent_rep + 1, false, depth + 2, path));
        key.name = "key";
        value.name = "value";
        node.first_leaf = key.first_leaf;
        node.type = DataType::Map(key.type, value.type, value.nullable);
        node.children.push_back(std::move(key));
        node.children.push_back(std::move(value));
        return node;
      }
      // LIST (or a MAP whose key_value group lacks a value: read as a list of keys).
      node.kind = SchemaNode::Kind::kList;
      bool element_is_repeated = !child_is_group || child.num_children > 1 ||
                                 child.name == "array" || child.name == e.name + "_tuple" ||
                                 (is_map && child.num_children != 1);
      SchemaNode element;
      if (element_is_repeated) {
        KEEL_ASSIGN_OR_RETURN(element, Build(def + 1, parent_rep + 1, true, depth + 1, path));
      } else {
        ++idx_;  // the repeated wrapper group ("list", "bag", ...)
        path.push_back(child.name);
        KEEL_ASSIGN_OR_RETURN(element, Build(def + 1, parent_rep + 1, false, depth + 2, path));
      }
      element.name = "element";
      node.first_leaf = element.first_leaf;
      node.type = DataType::Array(element.type, element.nullable);
      node.children.push_back(std::move(element));
      return node;
    }
    node.kind = SchemaNode::Kind::kStruct;
    std::vector<batch::Field> fields;
    for (int32_t c = 0; c < e.num_children; ++c) {
      KEEL_ASSIGN_OR_RETURN(SchemaNode n, Build(def, parent_rep, false, depth + 1, path));
      fields.push_back(batch::Field{n.name, n.type, n.nullable});
      node.children.push_back(std::move(n));
    }
    node.first_leaf = node.children[0].first_leaf;
    node.type = DataType::Struct(std::move(fields));
    return node;
  }

  size_t idx() const { return idx_; }
  void set_idx(size_t i) { idx_ = i; }

 private:
  const std::vector<SchemaElement>& elements_;
  std::vector<LeafDescriptor>* leaves_;
  size_t idx_ = 0;
};

}  // namespace

Result<ParquetSchema> ParquetSchema::Make(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return Bad("no schema elements");
  const SchemaElement& root = elements[0];
  if (root.num_children < 0 || static_cast<size_t>(root.num_children) >= elements.size() + 1) {
    return Bad("root has " + std::to_string(root.num_children) + " children");
  }
  ParquetSchema schema;
  Builder builder(elements, &schema.leaves_);
  builder.set_idx(1);
  for (int32_t i = 0; i < root.num_children; ++i) {
    KEEL_ASSIGN_OR_RETURN(SchemaNode node, builder.Build(0, 0, false, 1, {}));
    schema.batch_schema_.fields.push_back(batch::Field{node.name, node.type, node.nullable});
    schema.fields_.push_back(std::move(node));
  }
  if (builder.idx() != elements.size()) {
    return Bad(std::to_string(elements.size() - builder.idx()) +
               " schema elements are not reachable from the root");
  }
  return schema;
}

}  // namespace keel::parquet
