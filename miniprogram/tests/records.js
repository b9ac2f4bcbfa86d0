// Records as the server answers them, shared by the page tests and the rendering check: each
// builder takes the fields to change.
const words = require('../utils/canteen');

// at is the time h hours from now, as the server writes it (Asia/Shanghai).
const at = (h) => new Date(Date.now() + h * 3600 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 19) + '+08:00';
const today = words.shanghaiDate();
const tomorrow = words.shanghaiDate(Date.now() + 86400000);

const person = (over) => Object.assign({
  id: 11, community_id: 7, name: '王秀英', gender: 'female', birth_date: '1945-03-05', age: 81,
  id_card: '330702********0022', phone: '138****0001', building_id: 70, building_name: '2幢', unit: '1单元', room: '102',
  living_alone: true, care_level: 'partly_dependent', diet_notes: '少糖', emergency_contacts: [{ name: '王小明', phone: '138****0002', relation: '儿子' }],
  verified: true, has_account: false, guardianship: 'approved', relation: 'parent', primary: true,
  created_at: '2026-11-26T10:00:00+08:00', updated_at: '2026-11-26T10:00:00+08:00',
}, over);

const slot = (over) => Object.assign({
  id: 11, canteen_id: 1, date: today, meal: 'lunch', dishes: [{ name: '红烧肉' }, { name: '清炒时蔬' }], capacity: 60, booked: 10,
  remaining: 50, price_fen: 1500, book_by: at(2), modes: ['eat_in', 'pickup', 'delivery'], closed: false, close_reason: '',
}, over);

const order = (over) => Object.assign({
  id: 21, status: 'booked', slot_id: 11, person_id: 3, person_name: '王秀英', canteen_id: 1, canteen_name: '中埂邻里食堂',
  date: today, meal: 'lunch', mode: 'pickup', note: '', price_fen: 1500, subsidy_fen: 500, pay_fen: 1000, subsidy_note: '80岁以上',
  pickup_code: '042517', book_by: at(2), cancellable: true, outcome_note: '', created_at: '',
}, over);

const course = (over) => Object.assign({
  id: 31, community_id: 7, theme: '家长成长', title: '缓解育儿焦虑', teacher: '林老师', description: '先照顾好自己的情绪。',
  audience: 'parents', min_age: null, max_age: null, capacity: 30, enrolled: 12, waitlisted: 0, enroll_by: at(24), closed: false,
  certificate_sessions: 2,
  sessions: [
    { index: 1, starts_at: at(48), ends_at: at(49.5), place: '家长大学教室' },
    { index: 2, starts_at: at(216), ends_at: at(217.5), place: '家长大学教室' },
  ],
}, over);

module.exports = { at, today, tomorrow, person, slot, order, course };
