// Words the family pages show for the API's enumerations.
const RELATIONS = [
  { value: 'parent', label: '父母' },
  { value: 'grandparent', label: '祖父母/外祖父母' },
  { value: 'spouse', label: '配偶' },
  { value: 'child', label: '子女' },
  { value: 'grandchild', label: '孙辈' },
  { value: 'other', label: '其他（邻居、朋友等）' },
];

const CARE_LEVELS = [
  { value: 'self_care', label: '能自理' },
  { value: 'partly_dependent', label: '半失能（需要部分照顾）' },
  { value: 'fully_dependent', label: '失能（需要全面照顾）' },
];

const GENDERS = [
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
];

function labelOf(list, value) {
  const found = list.find((x) => x.value === value);
  return found ? found.label : '';
}

// badge is what the list shows of the caller's guardianship and the person's verification.
function badge(p) {
  if (p.guardianship === 'self') {
    return { text: '本人', theme: 'primary' };
  }
  if (p.guardianship === 'pending') {
    return { text: '待社区审核', theme: 'warning' };
  }
  if (!p.verified) {
    return { text: '待核验', theme: 'warning' };
  }
  return { text: '已认证', theme: 'success' };
}

// pickable labels the persons one may act for, as a picker shows them: "王秀英（父母）".
function pickable(persons) {
  return persons.map((p) => Object.assign({}, p, {
    label: p.name + '（' + (p.guardianship === 'self' ? '本人' : labelOf(RELATIONS, p.relation) || '家人') + '）',
  }));
}

const KINDS = { register: '登记家人', join: '申请成为家属', claim: '认领本人档案' };
const STATUSES = { pending: '等待审核', approved: '已通过', rejected: '未通过', withdrawn: '已撤回' };

module.exports = { RELATIONS, CARE_LEVELS, GENDERS, labelOf, badge, pickable, KINDS, STATUSES };
