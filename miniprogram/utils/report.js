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

// placeOf says where a report is: its building and unit, and the place picked on the map.
function placeOf(r) {
  return [r.building_name, r.unit, r.location_text].filter(Boolean).join(' ');
}

// onMap tells whether a report carries a map point.
function onMap(r) {
  return typeof r.lat === 'number' && typeof r.lng === 'number';
}

// openMap shows a report's map point in WeChat's map (with the way there).
function openMap(r) {
  if (!onMap(r)) return;
  wx.openLocation({ latitude: r.lat, longitude: r.lng, name: r.location_text || '报事位置', address: placeOf(r), scale: 17 });
}

// steps adds what a line of a report's timeline shows.
function steps(r) {
  return (r.timeline || []).map((s) => Object.assign({}, s, {
    what: ACTIONS[s.action] || s.action,
    when: s.at.slice(5, 16).replace('T', ' '),
  }));
}

// task adds what a worker's task shows: status, level, place, who reported it, the deadline.
function task(r) {
  return Object.assign({}, r, {
    statusName: STATUSES[r.status] || r.status,
    levelName: LEVELS[r.level],
    place: placeOf(r),
    onMap: onMap(r),
    who: r.anonymous ? '匿名' : [r.reporter_name, r.reporter_phone].filter(Boolean).join(' '),
    deadline: (r.status === 'accepted' ? r.resolve_by : r.accept_by).slice(5, 16).replace('T', ' '),
  });
}

module.exports = { STATUSES, ACTIONS, LEVELS, placeOf, onMap, openMap, steps, task };
