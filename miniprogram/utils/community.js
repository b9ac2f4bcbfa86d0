// Which community a page shows, and for whom the user acts.
//
// A user acts for themselves or for a person they look after, who may live in another community
// or the user in none (a son working in Hangzhou books for his mother). Pages that book, report
// or enrol follow the community of the person picked; the pick is remembered on the phone, so
// the canteen, report and course pages act for the same person. Before sign-up, or with nobody
// to act for, a page browses the user's own community, else the one the visitor chose on the
// 选择社区 page (by name, or the nearest to where they are), also remembered on the phone: a
// visitor who has chosen none is asked to, never shown the first of the list.
const api = require('./api');
const session = require('./session');
const labels = require('./person');

const ACTING_KEY = 'linli.actingFor';
const PLACE_KEY = 'linli.community';
const CHOOSE_URL = '/pages/community/index';

// place is the community a visitor chose, {id, name}, or null.
function place() {
  return wx.getStorageSync(PLACE_KEY) || null;
}

// setPlace remembers the community a visitor chose.
function setPlace(c) {
  wx.setStorageSync(PLACE_KEY, { id: c.id, name: c.name });
}

// distance is how far apart two points are, in metres (haversine; the points are GCJ-02, as
// WeChat gives them, which is fine at the scale of a city).
function distance(lat1, lng1, lat2, lng2) {
  const rad = (d) => (d * Math.PI) / 180;
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.min(1, Math.sqrt(a)));
}

// nearest is the community nearest to a point with its distance in metres, {community, metres},
// or null when no community has been placed on the map.
function nearest(communities, lat, lng) {
  let best = null;
  communities.forEach((c) => {
    if (typeof c.lat !== 'number' || typeof c.lng !== 'number') return;
    const metres = distance(lat, lng, c.lat, c.lng);
    if (!best || metres < best.metres) best = { community: c, metres };
  });
  return best;
}

// far says a distance the way people do: 800 米, 1.2 公里.
function far(metres) {
  return metres < 1000 ? Math.round(metres / 10) * 10 + ' 米' : (metres / 1000).toFixed(1) + ' 公里';
}

let names = null;

// nameOf is a community's name, from the list read once per launch (again for one not in it;
// '' when unknown).
async function nameOf(id) {
  if (!names || !names[id]) {
    const res = await api.get('/communities?limit=100', { auth: false, silent: true });
    names = {};
    res.items.forEach((c) => {
      names[c.id] = c.name;
    });
  }
  return names[id] || '';
}

// chooseCommunity opens the page where a visitor chooses theirs.
function chooseCommunity() {
  wx.navigateTo({ url: CHOOSE_URL });
}

// others tells whether a list of persons holds someone besides the user (then a page shows
// whom it acts for).
function others(persons) {
  return persons.some((p) => p.guardianship !== 'self');
}

// chosenIndex is the index of the remembered person in persons, else of the user's own, else 0.
function chosenIndex(persons) {
  const id = wx.getStorageSync(ACTING_KEY);
  let i = persons.findIndex((p) => p.id === id);
  if (i < 0) i = persons.findIndex((p) => p.guardianship === 'self');
  return i >= 0 ? i : 0;
}

// choose remembers the person the user now acts for.
function choose(person) {
  if (person) {
    wx.setStorageSync(ACTING_KEY, person.id);
  }
}

// communityOf is the community a page follows when acting for person.
function communityOf(person, user) {
  return (person && person.community_id) || (user && user.community_id) || 0;
}

// within keeps the persons of a community (a canteen's, a course's); persons or a community
// not known keep everyone, as the server decides in the end.
function within(persons, communityID) {
  if (!communityID) return persons;
  return persons.filter((p) => !p.community_id || p.community_id === communityID);
}

// managed lists, labelled for a picker, the persons the signed-in user acts for; nothing before
// sign-up or when the list does not load (browsing goes on).
async function managed() {
  if (!session.signedIn()) return [];
  try {
    const res = await api.get('/persons', { silent: true });
    return labels.pickable(res.items);
  } catch (e) {
    return [];
  }
}

// browsed answers the community a browsing page (home, canteen, courses, reports) shows. With
// someone besides the user to act for, the page keeps persons and personIndex for its "为谁"
// picker and follows that person's community; otherwise the user's own community, else the one
// the visitor chose, kept as place ({id, name}) for the page's "社区：…（点击切换）" line; a
// visitor who has chosen none gets needPlace, and 0.
async function browsed(page) {
  const persons = await managed();
  const u = session.user();
  if (others(persons)) {
    const index = chosenIndex(persons);
    page.setData({ persons, personIndex: index, place: null, needPlace: false });
    return communityOf(persons[index], u);
  }
  page.setData({ persons: [], personIndex: -1 });
  if (u && u.community_id) {
    page.setData({ place: null, needPlace: false });
    return u.community_id;
  }
  const p = place();
  page.setData({ place: p, needPlace: !p });
  return p ? p.id : 0;
}

module.exports = {
  ACTING_KEY, PLACE_KEY, CHOOSE_URL, others, chosenIndex, choose, communityOf, within, managed, browsed,
  place, setPlace, distance, nearest, far, nameOf, chooseCommunity,
};
