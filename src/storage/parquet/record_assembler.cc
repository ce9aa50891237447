#include "storage/parquet/record_assembler.h"

namespace keel::parquet {

namespace {

using batch::Column;
using batch::TypeId;

// Level access with the "no levels stored means level 0" rule.
struct Levels {
  const LeafData& leaf;
  int16_t def(int64_t i) const { return leaf.def.empty() ? 0 : leaf.def[i]; }
  int16_t rep(int64_t i) const { return leaf.rep.empty() ? 0 : leaf.rep[i]; }
};

std::vector<int64_t> TopSlots(const LeafData& leaf) {
  std::vector<int64_t> slots;
  if (leaf.rep.empty()) {
    slots.resize(leaf.num_levels);
    for (int64_t i = 0; i < leaf.num_levels; ++i) slots[i] = i;
    return slots;
  }
  for (int64_t i = 0; i < leaf.num_levels; ++i) {
    if (leaf.rep[i] == 0) slots.push_back(i);
  }
  return slots;
}

// The level indices of the elements of list/map `node`, given the indices of its own slots.
// Fills `offsets` (slots.size() + 1 entries) when not null.
std::vector<int64_t> Descend(const Levels& lv, const std::vector<int64_t>& slots,
                             const SchemaNode& node, std::vector<int64_t>* offsets) {
  std::vector<int64_t> child;
  child.reserve(slots.size());
  if (offsets) {
    offsets->clear();
    offsets->reserve(slots.size() + 1);
    offsets->push_back(0);
  }
  const int64_t n = lv.leaf.num_levels;
  for (int64_t s : slots) {
    if (lv.def(s) >= node.element_def_level) {
      child.push_back(s);
      for (int64_t i = s + 1; i < n && lv.rep(i) >= node.element_rep_level; ++i) {
        if (lv.rep(i) == node.element_rep_level) child.push_back(i);
      }
    }
    if (offsets) offsets->push_back(static_cast<int64_t>(child.size()));
  }
  return child;
}

class Assembler {
 public:
  explicit Assembler(std::vector<LeafData>& leaves) : leaves_(leaves) {}

  // Slots of the last node of `path` in the levels of `leaf`.
  std::vector<int64_t> SlotsAt(const std::vector<const SchemaNode*>& path, const LeafData& leaf) {
    Levels lv{leaf};
    std::vector<int64_t> slots = TopSlots(leaf);
    for (size_t k = 0; k + 1 < path.size(); ++k) {
      const SchemaNode* n = path[k];
      if (n->kind == SchemaNode::Kind::kList || n->kind == SchemaNode::Kind::kMap) {
        slots = Descend(lv, slots, *n, nullptr);
      }
    }
    return slots;
  }

  Result<Column> Build(std::vector<const SchemaNode*>& path, const std::vector<int64_t>& slots) {
    const SchemaNode& node = *path.back();
    const LeafData& leaf = leaves_[node.first_leaf];
    Levels lv{leaf};
    Column col = Column::Make(node.type);
    col.length = static_cast<int64_t>(slots.size());
    auto set_validity = [&](int16_t level) {
      bool any_null = false;
      for (int64_t s : slots) any_null |= lv.def(s) < level;
      if (!any_null) return;
      col.validity.resize(slots.size());
      for (size_t k = 0; k < slots.size(); ++k) col.validity[k] = lv.def(slots[k]) >= level;
    };
    switch (node.kind) {
      case SchemaNode::Kind::kLeaf:
        return BuildLeaf(node, leaf, slots);
      case SchemaNode::Kind::kStruct: {
        set_validity(node.def_level);
        for (const SchemaNode& child : node.children) {
          path.push_back(&child);
          std::vector<int64_t> child_slots = child.first_leaf == node.first_leaf
                                                 ? slots
                                                 : SlotsAt(path, leaves_[child.first_leaf]);
          if (child_slots.size() != slots.size()) {
            return Status::Corruption("struct field '" + child.name + "' has " +
                                      std::to_string(child_slots.size()) + " values, '" +
                                      node.name + "' has " + std::to_string(slots.size()) +
                                      " (columns of different lengths)");
          }
          KEEL_ASSIGN_OR_RETURN(Column c, Build(path, child_slots));
          path.pop_back();
          col.children[&child - node.children.data()] = std::move(c);
        }
        return col;
      }
      case SchemaNode::Kind::kList:
      case SchemaNode::Kind::kMap: {
        set_validity(node.def_level);
        std::vector<int64_t> child_slots = Descend(lv, slots, node, &col.offsets);
        for (const SchemaNode& child : node.children) {
          path.push_back(&child);
          std::vector<int64_t> cs = child.first_leaf == node.first_leaf
                                        ? child_slots
                                        : SlotsAt(path, leaves_[child.first_leaf]);
          if (cs.size() != child_slots.size()) {
            return Status::Corruption("map keys and values of '" + node.name +
                                      "' have different lengths");
          }
          KEEL_ASSIGN_OR_RETURN(Column c, Build(path, cs));
          path.pop_back();
          col.children[&child - node.children.data()] = std::move(c);
        }
        return col;
      }
    }
    return Status::Internal("unknown schema node kind");
  }

 private:
  Result<Column> BuildLeaf(const SchemaNode& node, const LeafData& leaf,
                           const std::vector<int64_t>& slots) {
    const Column& dense = leaf.values;
    const int16_t max_def = static_cast<int16_t>(node.def_level);
    Levels lv{leaf};
    int64_t present = 0;
    for (int64_t s : slots) present += lv.def(s) == max_def;
    if (present != dense.length) {
      return Status::Corruption("column '" + node.name + "' has " + std::to_string(dense.length) +
                                " values but its levels place " + std::to_string(present));
    }
    if (present == static_cast<int64_t>(slots.size())) {
      return std::move(leaves_[node.leaf_index].values);  // no nulls: hand over as is
    }
    Column col = Column::Make(node.type);
    col.validity.resize(slots.size());
    for (size_t k = 0; k < slots.size(); ++k) col.validity[k] = lv.def(slots[k]) == max_def;
    col.length = static_cast<int64_t>(slots.size());
    Scatter(std::move(leaves_[node.leaf_index].values), col.validity, &col);
    return col;
  }

  template <typename V>
  static void ScatterVec(const std::vector<V>& in, const std::vector<uint8_t>& valid,
                         std::vector<V>* out) {
    out->assign(valid.size(), V{});
    size_t j = 0;
    for (size_t k = 0; k < valid.size(); ++k) {
      if (valid[k]) (*out)[k] = in[j++];
    }
  }

 public:
  // Spreads the dense values over the slots marked valid (nulls get zero/empty values).
  static void Scatter(Column&& dense, const std::vector<uint8_t>& valid, Column* col) {
    switch (dense.type.id) {
      case TypeId::kBoolean:
        ScatterVec(dense.bools, valid, &col->bools);
        return;
      case TypeId::kByte:
      case TypeId::kShort:
      case TypeId::kInt:
      case TypeId::kDate:
        ScatterVec(dense.i32, valid, &col->i32);
        return;
      case TypeId::kLong:
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        ScatterVec(dense.i64, valid, &col->i64);
        return;
      case TypeId::kFloat:
        ScatterVec(dense.f32, valid, &col->f32);
        return;
      case TypeId::kDouble:
        ScatterVec(dense.f64, valid, &col->f64);
        return;
      case TypeId::kDecimal:
        ScatterVec(dense.dec, valid, &col->dec);
        return;
      case TypeId::kString:
      case TypeId::kBinary: {
        col->bytes = std::move(dense.bytes);
        col->offsets.assign(1, dense.offsets[0]);
        col->offsets.reserve(valid.size() + 1);
        size_t j = 0;
        for (size_t k = 0; k < valid.size(); ++k) {
          if (valid[k]) ++j;
          col->offsets.push_back(dense.offsets[j]);
        }
        return;
      }
      case TypeId::kStruct:
      case TypeId::kArray:
      case TypeId::kMap:
        return;  // leaves are never nested
    }
  }

 private:
  std::vector<LeafData>& leaves_;
};

// A top-level primitive column: one level per row, no slots needed.
Result<Column> AssembleFlatLeaf(const SchemaNode& node, LeafData& leaf, int64_t num_rows) {
  if (leaf.num_levels != num_rows) {
    return Status::Corruption("column '" + node.name + "' has " + std::to_string(leaf.num_levels) +
                              " values, the row group has " + std::to_string(num_rows) +
                              " rows (columns of different lengths)");
  }
  const int16_t max_def = node.def_level;
  int64_t present = num_rows;
  if (!leaf.def.empty()) {
    present = 0;
    for (int16_t d : leaf.def) present += d == max_def;
  }
  if (present != leaf.values.length) {
    return Status::Corruption("column '" + node.name + "' has " +
                              std::to_string(leaf.values.length) + " values but its levels place " +
                              std::to_string(present));
  }
  if (present == num_rows) return std::move(leaf.values);
  Column col = Column::Make(node.type);
  col.length = num_rows;
  col.validity.resize(num_rows);
  for (int64_t i = 0; i < num_rows; ++i) col.validity[i] = leaf.def[i] == max_def;
  Assembler::Scatter(std::move(leaf.values), col.validity, &col);
  return col;
}

}  // namespace

Result<batch::Column> AssembleField(const SchemaNode& node, std::vector<LeafData>& leaves,
                                    int64_t num_rows) {
  if (node.kind == SchemaNode::Kind::kLeaf && leaves[node.leaf_index].rep.empty()) {
    return AssembleFlatLeaf(node, leaves[node.leaf_index], num_rows);
  }
  Assembler assembler(leaves);
  std::vector<const SchemaNode*> path{&node};
  std::vector<int64_t> slots = TopSlots(leaves[node.first_leaf]);
  if (static_cast<int64_t>(slots.size()) != num_rows) {
    return Status::Corruption("column '" + node.name + "' has " + std::to_string(slots.size()) +
                              " rows, the row group has " + std::to_string(num_rows) +
                              " (columns of different lengths)");
  }
  return assembler.Build(path, slots);
}

}  // namespace keel::parquet
