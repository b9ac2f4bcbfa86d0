// Which community a page shows, and for whom the user acts.
//
// A user acts for themselves or for a person they look after, who may live in another community
// or the user in none (a son working in Hangzhou books for his mother). Pages that book, report
// or enrol follow the community of the person picked; the pick is remembered on the phone, so
// the canteen, report and course pages act for the same person. Before sign-up, or with nobody
// to act for, a page browses the user's own community, else the one picked from the list.
const api = require('./api');
const session = require('./session');
const labels = require('./person');

const ACTING_KEY = 'linli.actingFor';

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

// browsed answers the community a browsing page (canteen, courses) shows. With someone besides
// the user to act for, the page keeps persons and personIndex for its "为谁" picker and follows
// that person's community; otherwise it keeps communities and communityIndex for its community
// picker (shown when the user has joined none).
async function browsed(page) {
  const persons = await managed();
  const u = session.user();
  if (others(persons)) {
    const index = chosenIndex(persons);
    page.setData({ persons, personIndex: index, communities: [], communityIndex: -1 });
    return communityOf(persons[index], u);
  }
  page.setData({ persons: [], personIndex: -1 });
  if (u && u.community_id) {
    return u.community_id;
  }
  const res = await api.get('/communities?limit=100', { auth: false, silent: true });
  const index = page.data.communityIndex >= 0 ? page.data.communityIndex : 0;
  page.setData({ communities: res.items, communityIndex: res.items.length ? index : -1 });
  return res.items.length ? res.items[index].id : 0;
}

module.exports = { ACTING_KEY, others, chosenIndex, choose, communityOf, within, managed, browsed };
