// Words the report pages show.
const STATUSES = {
  submitted: '待派单',
  assigned: '已派单',
  accepted: '处理中',
  resolved: '已处理，待确认',
  closed: '已完成',
  returned: '已退回社区',
  escalated: '社区督办中',
  cancelled: '已撤销',
};
const ACTIONS = {
  submitted: '提交了报事',
  assigned: '派单',
  to_staff: '交社区分派',
  accepted: '接单',
  claimed: '认领',
  resolved: '处理完成',
  returned: '退单',
  confirmed: '确认并评价',
  reopened: '重新打开',
  cancelled: '撤销',
  escalated: '超时督办',
  closed: '结案',
};
const LEVELS = { minor: '小事', major: '大事', urgent: '急事' };

module.exports = { STATUSES, ACTIONS, LEVELS };
