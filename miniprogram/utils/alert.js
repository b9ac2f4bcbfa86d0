// Words and states of safety alerts (安危确认): a rider's "no answer" at an elder's door, until
// someone confirms the elder is safe.
const words = require('./canteen');

const STATUSES = { open: '等待确认', escalated: '社区已派网格员上门', closed: '已确认平安' };
const ROLES = { rider: '送餐员', elder: '老人本人', guardian: '家属', worker: '网格员', staff: '社区工作人员', system: '系统' };
const ACTIONS = { raised: '送餐无人应答', going: '正在上门查看', safe: '确认平安', escalated: '已派网格员上门' };
const NOTE_MAX = 200;

// when shows an RFC 3339 stamp at +08:00 the way people say it: 今天 14:05, 昨天 18:30, 12月1日 09:00.
function when(stamp, today) {
  if (!stamp) return '';
  const date = stamp.slice(0, 10);
  const hm = stamp.slice(11, 16);
  const t = today || words.shanghaiDate();
  const diff = Math.round((Date.parse(t + 'T00:00:00Z') - Date.parse(date + 'T00:00:00Z')) / 86400000);
  if (diff === 0) return '今天 ' + hm;
  if (diff === 1) return '昨天 ' + hm;
  return Number(date.slice(5, 7)) + '月' + Number(date.slice(8, 10)) + '日 ' + hm;
}

function live(a) {
  return a.status === 'open' || a.status === 'escalated';
}

// step adds what a line of the timeline shows: who (and in what role, when the name is not
// already it), what they did, and when.
function step(s, today) {
  const role = ROLES[s.role] || '';
  const actor = s.actor || role;
  return Object.assign({}, s, {
    who: role && actor !== role ? actor + '（' + role + '）' : actor,
    what: ACTIONS[s.action] || s.action,
    when: when(s.at, today),
  });
}

// decorate adds what the alert page and the family page show of an alert. me is the signed-in
// user's id (a "going" of theirs is not offered again).
function decorate(a, me, today) {
  const steps = (a.steps || []).map((s) => step(s, today));
  return Object.assign({}, a, {
    live: live(a),
    statusName: STATUSES[a.status] || a.status,
    raisedWhen: when(a.raised_at, today),
    escalateWhen: when(a.escalate_at, today),
    closedWhen: when(a.closed_at, today),
    steps,
    iAmGoing: !!me && steps.some((s) => s.action === 'going' && s.actor_user_id === me),
    isElder: a.your_role === 'elder',
  });
}

// Messages for the server's answers a person can meet on the alert page.
function problem(err) {
  if (err && err.code === 'not_found') return '找不到这条安危提醒，可能您不是这位老人的家属或网格员';
  return (err && err.message) || '没有加载成功';
}

module.exports = { STATUSES, ROLES, ACTIONS, NOTE_MAX, when, live, step, decorate, problem };
