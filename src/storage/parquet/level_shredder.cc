#include "storage/parquet/level_shredder.h"

namespace keel::parquet {

namespace {

class Shredder {
 public:
  explicit Shredder(std::vector<ShreddedLeaf>* leaves) : leaves_(*leaves) {}

  void EmitNull(const SchemaNode& node, int16_t def, int16_t rep) {
    if (node.kind == SchemaNode::Kind::kLeaf) {
      ShreddedLeaf& l = leaves_[node.leaf_index];
      if (def_needed_[node.leaf_index]) l.def.push_back(def);
      if (rep_needed_[node.leaf_index]) l.rep.push_back(rep);
      ++l.num_levels;
      return;
    }
    for (const SchemaNode& c : node.children) EmitNull(c, def, rep);
  }

  Status Shred(const SchemaNode& node, const batch::Column& col, int64_t i, int16_t def,
               int16_t rep) {
    if (!col.IsValid(i)) {
      if (!node.nullable) {
        return Status::InvalidArgument("field '" + node.name +
                                       "' is not nullable but holds a null");
      }
      EmitNull(node, def, rep);
      return Status::OK();
    }
    const int16_t d = node.def_level;
    switch (node.kind) {
      case SchemaNode::Kind::kLeaf: {
        ShreddedLeaf& l = leaves_[node.leaf_index];
        l.column = &col;
        if (def_needed_[node.leaf_index]) l.def.push_back(d);
        if (rep_needed_[node.leaf_index]) l.rep.push_back(rep);
        l.value_index.push_back(i);
        ++l.num_levels;
        return Status::OK();
      }
      case SchemaNode::Kind::kStruct:
        for (size_t k = 0; k < node.children.size(); ++k) {
          KEEL_RETURN_IF_ERROR(Shred(node.children[k], col.children[k], i, d, rep));
        }
        return Status::OK();
      case SchemaNode::Kind::kList:
      case SchemaNode::Kind::kMap: {
        int64_t b = col.offsets[i], e = col.offsets[i + 1];
        if (b == e) {
          for (const SchemaNode& c : node.children) EmitNull(c, d, rep);
          return Status::OK();
        }
        for (int64_t j = b; j < e; ++j) {
          int16_t r = j == b ? rep : node.element_rep_level;
          for (size_t k = 0; k < node.children.size(); ++k) {
            KEEL_RETURN_IF_ERROR(
                Shred(node.children[k], col.children[k], j, node.element_def_level, r));
          }
        }
        return Status::OK();
      }
    }
    return Status::OK();
  }

  std::vector<bool> def_needed_;
  std::vector<bool> rep_needed_;

 private:
  std::vector<ShreddedLeaf>& leaves_;
};

// Records, for every leaf under `node`, whether it has definition and repetition levels.
void FindLevels(const SchemaNode& node, int16_t rep, std::vector<bool>* def_needed,
                std::vector<bool>* rep_needed) {
  if (node.kind == SchemaNode::Kind::kLeaf) {
    (*def_needed)[node.leaf_index] = node.def_level > 0;
    (*rep_needed)[node.leaf_index] = rep > 0;
    return;
  }
  int16_t child_rep = (node.kind == SchemaNode::Kind::kList || node.kind == SchemaNode::Kind::kMap)
                          ? node.element_rep_level
                          : rep;
  for (const SchemaNode& c : node.children) FindLevels(c, child_rep, def_needed, rep_needed);
}

}  // namespace

Status ShredColumn(const SchemaNode& node, const batch::Column& column, int64_t begin, int64_t end,
                   std::vector<ShreddedLeaf>* leaves) {
  if (node.kind == SchemaNode::Kind::kLeaf) {  // flat fast path: levels straight from validity
    ShreddedLeaf& l = (*leaves)[node.leaf_index];
    l.column = &column;
    l.row_begin = begin;
    l.row_end = end;
    l.num_levels = end - begin;
    if (node.def_level > 0) {
      l.def.resize(end - begin, node.def_level);
      if (!column.validity.empty()) {
        for (int64_t i = begin; i < end; ++i) l.def[i - begin] = column.validity[i] ? 1 : 0;
      }
    } else if (!column.validity.empty()) {
      for (int64_t i = begin; i < end; ++i) {
        if (!column.validity[i]) {
          return Status::InvalidArgument("field '" + node.name +
                                         "' is not nullable but holds a null");
        }
      }
    }
    return Status::OK();
  }
  Shredder s(leaves);
  s.def_needed_.assign(leaves->size(), false);
  s.rep_needed_.assign(leaves->size(), false);
  FindLevels(node, 0, &s.def_needed_, &s.rep_needed_);
  for (int64_t i = begin; i < end; ++i) KEEL_RETURN_IF_ERROR(s.Shred(node, column, i, 0, 0));
  return Status::OK();
}

}  // namespace keel::parquet
