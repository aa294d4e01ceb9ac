//! hashmap.c: Go's maps, as the Feb-2011 runtime keeps them.
//!
//! A map is a table of 2^power entries (plus max_probes-1 past the end),
//! each a hash and the data (key, then value at datavo). An entry sits at
//! or after the natural position its hash's top bits give, the entries of
//! a run in ascending hash order; a hash's low 6 bits are free (0, or
//! counted up past an equal one), and 63 marks an entry holding a
//! subtable. When an insertion finds no room within max_probes (15) of
//! the natural position, a table below 2^max_power (2^12) entries doubles
//! (hash_grow re-inserts every entry), a full-sized one splits the runs
//! that crowd it into subtables indexed by the next bits (hash_conv).
//! Iteration walks the entries in table order, subtables depth first,
//! which is why a range over a map prints in the order the hashes and
//! the table's history give: the twin keeps the same tables, entry for
//! entry, and makes every call the C code makes (the hash and equality
//! functions through algarray, memmove, memclr, mcpy, mal, free), at its
//! call site.
//!
//! The twin's tables hold each key's bytes (what memhash hashes and
//! memequal compares) and, for its value, a handle the program keeps.

use std::rc::Rc;

use crate::asm::{at, Caller};
use crate::proc::Runtime;
use crate::runtime::Alg;
use crate::symtab::FuncId;
use crate::{Addr, Stop};

const HASH_LOW: u32 = 6;
const HASH_ONE: u64 = 1 << HASH_LOW;
const HASH_MASK: u64 = HASH_ONE - 1;
const HASH_SUBHASH: u64 = HASH_MASK;
const HASH_NIL: u64 = 0;
const HASH_REHASH: u32 = 0x2;
const HASH_BITS: u32 = 64;
/// sizeof(Hmap) on amd64.
const HMAP_SIZE: u32 = 112;
/// offsetof(struct hash_subtable, entry[0]).
const SUBTABLE_HEAD: u32 = 16;
/// The depth of struct hash_iter's subtable_state.
const MAX_ITER_DEPTH: usize = 4;

fn hash_used(flags: u32) -> u32 {
    flags >> 2
}

fn hash_make_used(x: u32) -> u32 {
    x << 2
}

/// HASH_ADJUST: a hash of 0 in the top bits is moved off HASH_NIL.
fn hash_adjust(x: u64) -> u64 {
    u64::from(x < HASH_ONE) << HASH_LOW
}

/// A map's key and value types as makemap_c reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapType {
    pub keysize: u32,
    pub keyalg: Alg,
    pub valsize: u32,
    pub valalg: Alg,
    /// The key and value types' descriptors (makemap's arguments).
    pub key_word: Addr,
    pub val_word: Addr,
}

/// A map, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MapId(pub u32);

/// A map iterator (range's hiter), by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IterId(pub u32);

/// An entry's data.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Data {
    Empty,
    /// A key's bytes and the program's handle of its value.
    Item(Rc<[u8]>, u64),
    /// A subtable, by index.
    Sub(u32),
}

#[derive(Debug, Clone)]
struct Entry {
    hash: u64,
    data: Data,
}

const EMPTY: Entry = Entry {
    hash: HASH_NIL,
    data: Data::Empty,
};

#[derive(Debug, Clone)]
struct Subtable {
    power: u32,
    used: u32,
    max_probes: u32,
    /// limit_bytes in entries.
    limit: usize,
    entries: Vec<Entry>,
    addr: Addr,
    /// What mal gave it, for free.
    size: u32,
}

#[derive(Debug, Clone)]
struct Hmap {
    count: u32,
    datasize: u32,
    max_power: u32,
    max_probes: u32,
    changes: i32,
    st: u32,
    t: MapType,
    addr: Addr,
}

/// An entry's key bytes and value handle.
type Item = (Rc<[u8]>, u64);

/// One level of an iterator's walk: a subtable and the next entry.
#[derive(Debug, Clone, Copy, Default)]
struct IterSub {
    st: u32,
    e: usize,
}

#[derive(Debug, Clone)]
struct HashIter {
    h: MapId,
    changes: i32,
    i: usize,
    last_hash: u64,
    sub: [IterSub; MAX_ITER_DEPTH],
    /// What hash_next returned last (it->data).
    data: Option<Item>,
}

/// Where a subtable pointer lives (hash_insert_internal's `pst`): the
/// map's first level, an entry of another subtable, or a local variable
/// (hash_conv's new_st).
#[derive(Debug, Clone, Copy)]
enum Loc {
    Root(MapId),
    Entry(u32, usize),
    Var(u32),
}

/// Every map of the process, their subtables and iterators.
#[derive(Debug, Clone, Default)]
pub struct Maps {
    maps: Vec<Hmap>,
    subs: Vec<Subtable>,
    iters: Vec<HashIter>,
}

impl Maps {
    /// Element count of a map (len, which 6g reads in line).
    pub fn len(&self, m: MapId) -> u32 {
        self.maps[m.0 as usize].count
    }

    /// The map's address (what its word is).
    pub fn addr(&self, m: MapId) -> Addr {
        self.maps[m.0 as usize].addr
    }

    /// The map whose Hmap is at `addr`.
    pub fn at(&self, addr: Addr) -> Option<MapId> {
        self.maps
            .iter()
            .position(|h| h.addr == addr)
            .map(|i| MapId(i as u32))
    }

    /// A new iterator, not yet started.
    pub fn new_iter(&mut self) -> IterId {
        self.iters.push(HashIter {
            h: MapId(0),
            changes: 0,
            i: 0,
            last_hash: 0,
            sub: [IterSub::default(); MAX_ITER_DEPTH],
            data: None,
        });
        IterId(self.iters.len() as u32 - 1)
    }

    /// The map an iterator walks.
    pub fn iter_map(&self, it: IterId) -> MapId {
        self.iters[it.0 as usize].h
    }

    /// The handle of the value the iterator is at (hiter.data), if any.
    pub fn iter_data(&self, it: IterId) -> Option<u64> {
        self.iters[it.0 as usize].data.as_ref().map(|(_, v)| *v)
    }

    fn get(&self, loc: Loc) -> u32 {
        match loc {
            Loc::Root(m) => self.maps[m.0 as usize].st,
            Loc::Entry(st, e) => match self.subs[st as usize].entries[e].data {
                Data::Sub(s) => s,
                _ => unreachable!("a subtable entry"),
            },
            Loc::Var(s) => s,
        }
    }

    fn set(&mut self, loc: &mut Loc, st: u32) {
        match loc {
            Loc::Root(m) => self.maps[m.0 as usize].st = st,
            Loc::Entry(s, e) => self.subs[*s as usize].entries[*e].data = Data::Sub(st),
            Loc::Var(s) => *s = st,
        }
    }

    fn hash_at(&self, st: u32, e: usize) -> u64 {
        self.subs[st as usize].entries[e].hash
    }
}

/// memhash(s, a) on amd64: FNV-style over the key's bytes.
pub fn memhash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 33054211828000289;
    for &b in bytes {
        hash = (hash ^ u64::from(b)).wrapping_mul(23344194077549503);
    }
    hash
}

impl Runtime {
    fn hm(&self, name: &str) -> FuncId {
        self.tab.lookup(name).expect("checked by the caller")
    }

    /// Whether the tables know the map functions (a binary that uses maps
    /// was measured).
    pub fn has_maps(&self) -> bool {
        self.tab.lookup("hash_insert_internal").is_some()
    }

    /// runtime·makemap(key, val, hint) from Go code returning to `ret`:
    /// makemap_c checks the hint (panicstring), mallocs the Hmap, works
    /// out datavo (rnd), hash_init makes the first table, and the
    /// argument offsets of the calls are worked out (rnd each).
    pub fn makemap(&mut self, ret: Addr, t: MapType, hint: i64) -> Result<MapId, Stop> {
        let f = self.hm("runtime.makemap");
        self.call_at(ret, f, &[t.key_word, t.val_word, hint as u64, 0])?;
        let mc = self.hm("runtime.makemap_c");
        self.call(f, mc, &[t.key_word, t.val_word, hint as u64])?;
        if hint < 0 || i64::from(hint as i32) != hint {
            return self.panicstring(mc, "makemap: size out of range");
        }
        let addr = self.mal(at(mc, 719), HMAP_SIZE)?;
        let rnd = self.hm("runtime.rnd");
        let mut datavo = t.keysize;
        if t.valsize >= 8 {
            self.call_leaf(at(mc, 733), rnd, &[u64::from(t.keysize), 8])?;
            datavo = t.keysize.div_ceil(8) * 8;
        }
        let m = MapId(self.maps.maps.len() as u32);
        self.maps.maps.push(Hmap {
            count: 0,
            datasize: 0,
            max_power: 0,
            max_probes: 0,
            changes: 0,
            st: 0,
            t,
            addr,
        });
        self.hash_init(at(mc, 735), m, datavo + t.valsize, hint)?;
        for line in [750, 751, 754, 755, 756, 759, 760, 761] {
            self.call_leaf(at(mc, line), rnd, &[0, 0])?;
        }
        self.leave(mc)?;
        self.leave(f)?;
        Ok(m)
    }

    /// hash_init(h, datasize, ...): the data rounded to words (rnd),
    /// init_sizes from the hint, the first-level table.
    fn hash_init(
        &mut self,
        caller: Caller,
        m: MapId,
        datasize: u32,
        hint: i64,
    ) -> Result<(), Stop> {
        let f = self.hm("hash_init");
        self.call(
            caller,
            f,
            &[self.maps.maps[m.0 as usize].addr, u64::from(datasize)],
        )?;
        let datasize = datasize.max(8);
        let rnd = self.hm("runtime.rnd");
        self.call_leaf(at(f, 142), rnd, &[u64::from(datasize), 8])?;
        let datasize = datasize.div_ceil(8) * 8;
        let sizes = self.hm("init_sizes");
        self.call_leaf(at(f, 143), sizes, &[hint as u64, 0, 0])?;
        let (init_power, max_power) = init_sizes(hint);
        let h = &mut self.maps.maps[m.0 as usize];
        h.datasize = datasize;
        h.max_power = max_power;
        h.max_probes = 15;
        let st = self.hash_subtable_new(at(f, 155), m, init_power, 0)?;
        self.maps.maps[m.0 as usize].st = st;
        self.leave(f)
    }

    /// hash_subtable_new(h, power, used): 2^power entries and
    /// max_probes-1 more (fewer probes for a small table), mal'd and
    /// cleared (memclr).
    fn hash_subtable_new(
        &mut self,
        caller: Caller,
        m: MapId,
        power: u32,
        used: u32,
    ) -> Result<u32, Stop> {
        let f = self.hm("hash_subtable_new");
        let h = &self.maps.maps[m.0 as usize];
        let (addr, datasize, probes) = (h.addr, h.datasize, h.max_probes);
        self.call(caller, f, &[addr, u64::from(power) | u64::from(used) << 32])?;
        let elemsize = datasize + 8;
        let mut bytes = elemsize << power;
        let mut limit_bytes = probes * elemsize;
        let mut max_probes = probes;
        if bytes < limit_bytes {
            limit_bytes = bytes;
            max_probes = 1 << power;
        }
        bytes += limit_bytes - elemsize;
        let size = SUBTABLE_HEAD + bytes;
        let addr = self.mal(at(f, 98), size)?;
        let memclr = self.rf.memclr;
        self.call_leaf(
            at(f, 105),
            memclr,
            &[addr + u64::from(SUBTABLE_HEAD), u64::from(bytes)],
        )?;
        self.maps.subs.push(Subtable {
            power,
            used,
            max_probes,
            limit: (limit_bytes / elemsize) as usize,
            entries: vec![EMPTY; (bytes / elemsize) as usize],
            addr,
            size,
        });
        self.leave(f)?;
        Ok(self.maps.subs.len() as u32 - 1)
    }

    /// The key's hash through algarray (`(*h->data_hash)(keysize, key)`,
    /// `caller`'s `nth` indirect call): memhash, or strhash, which calls
    /// memhash on the string's bytes.
    fn data_hash(&mut self, caller: FuncId, nth: usize, m: MapId, key: &[u8]) -> Result<u64, Stop> {
        let t = self.maps.maps[m.0 as usize].t;
        let ret = self.site_indirect(caller, nth);
        let memhash_f = self.hm("memhash");
        match t.keyalg {
            Alg::Mem | Alg::MemWord => {
                self.call_at(ret, memhash_f, &[u64::from(t.keysize), 0])?;
                self.leave(memhash_f)?;
            }
            Alg::NoEq => {
                let nohash = self.rt_fn("runtime.nohash")?;
                self.call_at(ret, nohash, &[u64::from(t.keysize), 0])?;
                return self.panicstring(nohash, "hash of unhashable type");
            }
            Alg::Str => {
                let strhash = self.hm("strhash");
                self.call_at(ret, strhash, &[u64::from(t.keysize), 0])?;
                self.call_leaf(strhash, memhash_f, &[key.len() as u64, 0])?;
                self.leave(strhash)?;
            }
        }
        Ok(memhash(key))
    }

    /// Whether two keys are equal through algarray (`caller`'s `nth`
    /// indirect call).
    fn data_eq(
        &mut self,
        caller: FuncId,
        nth: usize,
        m: MapId,
        a: &[u8],
        b: &[u8],
    ) -> Result<bool, Stop> {
        let t = self.maps.maps[m.0 as usize].t;
        let ret = self.site_indirect(caller, nth);
        self.alg_equal(ret, t.keyalg, t.keysize, (a.len(), b.len()), a == b)
    }

    /// An algarray copy of a key or value (`caller`'s `nth` indirect
    /// call): memwordcopy for a word, memcopy otherwise.
    fn data_copy(&mut self, caller: FuncId, nth: usize, alg: Alg, size: u32) -> Result<(), Stop> {
        let f = if alg == Alg::MemWord {
            self.rf.memwordcopy
        } else {
            self.rf.memcopy
        };
        let ret = self.site_indirect(caller, nth);
        self.call_at(ret, f, &[u64::from(size), 0, 0])?;
        self.leave(f)
    }

    /// The first-level walk of hash_lookup and hash_remove: the subtable
    /// and entry where `hash` would be.
    fn descend(&self, m: MapId, hash: u64) -> (u32, usize) {
        let mut st = self.maps.maps[m.0 as usize].st;
        let mut used = 0;
        loop {
            let s = &self.maps.subs[st as usize];
            let shift = HASH_BITS - (s.power + used);
            let mask = (1u64 << s.power) - 1;
            let i = ((hash >> shift) & mask) as usize;
            let e = &s.entries[i];
            if e.hash & HASH_MASK != HASH_SUBHASH {
                return (st, i);
            }
            used += s.power;
            let Data::Sub(next) = e.data else {
                unreachable!("a subtable entry")
            };
            st = next;
        }
    }

    /// hash_lookup(h, key, &res): the value's handle, if the key is there.
    fn hash_lookup(&mut self, caller: Caller, m: MapId, key: &[u8]) -> Result<Option<u64>, Stop> {
        let f = self.hm("hash_lookup");
        self.call(caller, f, &[self.maps.addr(m), 0, 0])?;
        let found = self.hash_find(f, m, key)?;
        self.leave(f)?;
        Ok(found.map(|(_, _, v)| v))
    }

    /// What hash_lookup and hash_remove share, in `f`: the key's hash
    /// (data_hash, the first indirect call), the walk down to its table,
    /// then the run of its hash compared key by key (data_eq, the
    /// second). The entry and its value's handle.
    fn hash_find(
        &mut self,
        f: FuncId,
        m: MapId,
        key: &[u8],
    ) -> Result<Option<(u32, usize, u64)>, Stop> {
        let mut hash = self.data_hash(f, 0, m, key)? & !HASH_MASK;
        hash += hash_adjust(hash);
        let (st, mut e) = self.descend(m, hash);
        let end = e + self.maps.subs[st as usize].limit;
        while e != end && {
            let h = self.maps.hash_at(st, e);
            h != HASH_NIL && h < hash
        } {
            e += 1;
        }
        while e != end && (self.maps.hash_at(st, e) ^ hash) < HASH_SUBHASH {
            let Data::Item(k, v) = self.maps.subs[st as usize].entries[e].data.clone() else {
                unreachable!("an item")
            };
            if self.data_eq(f, 1, m, key, &k)? {
                return Ok(Some((st, e, v)));
            }
            e += 1;
        }
        Ok(None)
    }

    /// runtime·mapaccess1(h, key) (textflag 7) from Go code returning to
    /// `ret` (`args` as 6g laid them out): `m[k]`. A nil map panics
    /// (panicstring); else mapaccess. The value's handle, if the key is
    /// there.
    pub fn mapaccess1(
        &mut self,
        ret: Addr,
        args: &[u64],
        m: Option<MapId>,
        key: &[u8],
    ) -> Result<Option<u64>, Stop> {
        self.mapaccess_n("runtime.mapaccess1", ret, args, m, key)
    }

    /// runtime·mapaccess2(h, key) (textflag 7): `v, ok := m[k]`, as
    /// [`Runtime::mapaccess1`].
    pub fn mapaccess2(
        &mut self,
        ret: Addr,
        args: &[u64],
        m: Option<MapId>,
        key: &[u8],
    ) -> Result<Option<u64>, Stop> {
        self.mapaccess_n("runtime.mapaccess2", ret, args, m, key)
    }

    fn mapaccess_n(
        &mut self,
        name: &str,
        ret: Addr,
        args: &[u64],
        m: Option<MapId>,
        key: &[u8],
    ) -> Result<Option<u64>, Stop> {
        let f = self.hm(name);
        self.call_at(ret, f, args)?;
        let Some(m) = m else {
            return self.panicstring(f, "lookup in nil map");
        };
        let v = self.mapaccess(f, m, key)?;
        self.leave(f)?;
        Ok(v)
    }

    /// runtime·mapaccess(h, ak, av, pres): hash_lookup, then the value
    /// copied out (hash_indirect first when found; a zero value else).
    fn mapaccess(&mut self, caller: FuncId, m: MapId, key: &[u8]) -> Result<Option<u64>, Stop> {
        let f = self.hm("runtime.mapaccess");
        self.call(caller, f, &[self.maps.addr(m), 0, 0, 0])?;
        let v = self.hash_lookup(at(f, 791), m, key)?;
        let t = self.maps.maps[m.0 as usize].t;
        if v.is_some() {
            let hi = self.hm("hash_indirect");
            self.call_leaf(at(f, 793), hi, &[self.maps.addr(m), 0])?;
            self.data_copy(f, 0, t.valalg, t.valsize)?;
        } else {
            self.data_copy(f, 1, t.valalg, t.valsize)?;
        }
        self.leave(f)?;
        Ok(v)
    }

    /// runtime·mapassign1(h, key, val) or mapassign2(h, key, val, pres)
    /// (`callee`, textflag 7) from Go code returning to `ret`: `m[k] = v`
    /// with `handle` the value's, or with None (mapassign2's pres false)
    /// the delete. A nil map panics; else mapassign: hash_remove for a
    /// delete, else hash_insert and the key and value copied in. The
    /// handle already there (the value to overwrite), or None when
    /// `handle` went in with the key.
    pub fn mapassign(
        &mut self,
        callee: &str,
        ret: Addr,
        args: &[u64],
        m: Option<MapId>,
        key: Rc<[u8]>,
        handle: Option<u64>,
    ) -> Result<Option<u64>, Stop> {
        let f = self.hm(callee);
        self.call_at(ret, f, args)?;
        let Some(m) = m else {
            return self.panicstring(f, "assignment to entry in nil map");
        };
        let ma = self.hm("runtime.mapassign");
        self.call(f, ma, &[self.maps.addr(m), 0, 0])?;
        let Some(handle) = handle else {
            self.hash_remove(at(ma, 872), m, &key)?;
            self.leave(ma)?;
            self.leave(f)?;
            return Ok(None);
        };
        let hit = self.hash_insert(at(ma, 876), m, key, handle)?;
        let t = self.maps.maps[m.0 as usize].t;
        self.data_copy(ma, 0, t.keyalg, t.keysize)?;
        let hi = self.hm("hash_indirect");
        self.call_leaf(at(ma, 880), hi, &[self.maps.addr(m), 0])?;
        self.data_copy(ma, 1, t.valalg, t.valsize)?;
        self.leave(ma)?;
        self.leave(f)?;
        Ok(hit)
    }

    /// hash_insert(h, data, &res): the hash (data_hash), then
    /// hash_insert_internal at the first level; the count goes up when
    /// the key is new.
    fn hash_insert(
        &mut self,
        caller: Caller,
        m: MapId,
        key: Rc<[u8]>,
        handle: u64,
    ) -> Result<Option<u64>, Stop> {
        let f = self.hm("hash_insert");
        self.call(caller, f, &[self.maps.addr(m), 0, 0])?;
        let hash = self.data_hash(f, 0, m, &key)?;
        let mut root = Loc::Root(m);
        let hit =
            self.hash_insert_internal(at(f, 460), &mut root, 0, hash, m, Data::Item(key, handle))?;
        if hit.is_none() {
            self.maps.maps[m.0 as usize].count += 1;
        }
        self.leave(f)?;
        Ok(hit)
    }

    /// hash_insert_internal(pst, flags, hash, h, data, &res): the data
    /// into the table at `pst` (a subtable entry leads down), its run
    /// kept in hash order (memmove makes room), a hash equal to one there
    /// counted up; with no room within max_probes, h->changes goes up
    /// and the table grows (hash_grow) or splits (hash_conv), and the
    /// insertion starts again. The handle of an equal key already there.
    fn hash_insert_internal(
        &mut self,
        caller: Caller,
        pst: &mut Loc,
        mut flags: u32,
        mut hash: u64,
        m: MapId,
        data: Data,
    ) -> Result<Option<u64>, Stop> {
        let f = self.hm("hash_insert_internal");
        self.call(
            caller,
            f,
            &[0, u64::from(flags), hash, self.maps.addr(m), 0, 0],
        )?;
        if flags & HASH_REHASH == 0 {
            hash += hash_adjust(hash);
            hash &= !HASH_MASK;
        }
        let key = match &data {
            Data::Item(k, _) => k.clone(),
            _ => unreachable!("an item goes in"),
        };
        loop {
            let st = self.maps.get(*pst);
            let s = &self.maps.subs[st as usize];
            let shift = HASH_BITS - (s.power + hash_used(flags));
            let mask = (1u64 << s.power) - 1;
            let (limit, len, max_probes, power) = (s.limit, s.entries.len(), s.max_probes, s.power);
            let start = ((hash >> shift) & mask) as usize;
            let mut i = start;
            let mut e = start;
            let mut e_hash = self.maps.hash_at(st, e);
            if e_hash & HASH_MASK == HASH_SUBHASH {
                *pst = Loc::Entry(st, e);
                flags += hash_make_used(power);
                continue;
            }
            let end = start + limit;
            while e != end && {
                e_hash = self.maps.hash_at(st, e);
                e_hash != HASH_NIL && e_hash < hash
            } {
                e += 1;
                i += 1;
            }
            if e != end && e_hash != HASH_NIL {
                let mut ins_e = e;
                let mut ins_i = i;
                while ins_e != end && {
                    e_hash = self.maps.hash_at(st, ins_e);
                    (e_hash ^ hash) < HASH_SUBHASH
                } {
                    let Data::Item(k, v) = self.maps.subs[st as usize].entries[ins_e].data.clone()
                    else {
                        unreachable!("an item")
                    };
                    if self.data_eq(f, 0, m, &key, &k)? {
                        self.leave(f)?;
                        return Ok(Some(v));
                    }
                    hash += u64::from(e_hash == hash);
                    ins_e += 1;
                    ins_i += 1;
                    if e_hash <= hash {
                        e = ins_e;
                        i = ins_i;
                    }
                }
                ins_e = e;
                ins_i = i;
                let mut ins_e_hash = 0;
                while ins_e != len && {
                    ins_e_hash = self.maps.hash_at(st, ins_e);
                    ins_e_hash != HASH_NIL
                        && (ins_i as u64 + 1).wrapping_sub((ins_e_hash >> shift) & mask)
                            < u64::from(max_probes)
                        && ins_e_hash & HASH_MASK != HASH_SUBHASH
                } {
                    ins_e += 1;
                    ins_i += 1;
                }
                if e == end || ins_e == len || ins_e_hash != HASH_NIL {
                    e = end;
                } else {
                    let memmove = self.rt_fn("runtime.memmove")?;
                    self.call_leaf(at(f, 440), memmove, &[0, 0, 0])?;
                    let entries = &mut self.maps.subs[st as usize].entries;
                    for j in (e..ins_e).rev() {
                        entries[j + 1] = entries[j].clone();
                    }
                }
            }
            if e != end {
                self.maps.subs[st as usize].entries[e] = Entry { hash, data };
                self.leave(f)?;
                return Ok(None);
            }
            self.maps.maps[m.0 as usize].changes += 1;
            if power < self.maps.maps[m.0 as usize].max_power {
                self.hash_grow(at(f, 450), m, pst, flags)?;
            } else {
                self.hash_conv(at(f, 452), m, st, flags, hash, start)?;
            }
        }
    }

    /// hash_grow(h, pst, flags): a table of twice the entries in place of
    /// the one at `pst`, every entry re-inserted in table order (and its
    /// data copied, mcpy), the old one freed.
    fn hash_grow(
        &mut self,
        caller: Caller,
        m: MapId,
        pst: &mut Loc,
        flags: u32,
    ) -> Result<(), Stop> {
        let f = self.hm("hash_grow");
        self.call(caller, f, &[self.maps.addr(m), 0, u64::from(flags)])?;
        let old = self.maps.get(*pst);
        let power = self.maps.subs[old as usize].power;
        let new = self.hash_subtable_new(at(f, 273), m, power + 1, hash_used(flags))?;
        self.maps.set(pst, new);
        let flags = flags | HASH_REHASH;
        let entries = std::mem::take(&mut self.maps.subs[old as usize].entries);
        let datasize = self.maps.maps[m.0 as usize].datasize;
        for e in entries {
            if e.hash != HASH_NIL {
                let hit = self.hash_insert_internal(at(f, 283), pst, flags, e.hash, m, e.data)?;
                if hit.is_some() {
                    return self.throw(f, "assert");
                }
                let mcpy = self.rf.mcpy;
                self.call_leaf(at(f, 285), mcpy, &[0, 0, u64::from(datasize)])?;
            }
        }
        let (addr, size) = {
            let s = &self.maps.subs[old as usize];
            (s.addr, s.size)
        };
        self.free(at(f, 289), addr, size)?;
        self.leave(f)
    }

    /// hash_conv(h, st, flags, hash, e): at the full-sized table `st`,
    /// the block of entries around `e` (the insertion's natural place)
    /// is rewritten: each run of entries sharing the hash prefix of the
    /// next level (with the one being inserted, or with its neighbour)
    /// goes into a new two-entry subtable that takes the run's first
    /// slot; the rest move down into place; what is left over is removed
    /// (hash_remove_n).
    fn hash_conv(
        &mut self,
        caller: Caller,
        m: MapId,
        st: u32,
        flags: u32,
        hash: u64,
        mut e: usize,
    ) -> Result<(), Stop> {
        let f = self.hm("hash_conv");
        self.call(
            caller,
            f,
            &[self.maps.addr(m), 0, u64::from(flags), hash, 0],
        )?;
        let power = self.maps.subs[st as usize].power;
        let len = self.maps.subs[st as usize].entries.len();
        let new_flags = (flags + hash_make_used(power)) | HASH_REHASH;
        let shift = HASH_BITS - hash_used(new_flags);
        let prefix_mask = u64::MAX << shift;
        let index_mask = (1u64 << power) - 1;
        let datasize = self.maps.maps[m.0 as usize].datasize;
        let memclr = self.rf.memclr;
        let mcpy = self.rf.mcpy;
        let is_run = |maps: &Maps, k: usize| {
            let h = maps.hash_at(st, k);
            h != HASH_NIL && h & HASH_MASK != HASH_SUBHASH
        };
        while e != 0 && is_run(&self.maps, e - 1) {
            e -= 1;
        }
        let mut de = e;
        while e != len && is_run(&self.maps, e) {
            let e_hash = self.maps.hash_at(st, e);
            let target = ((e_hash >> shift) & index_mask) as usize;
            let ne = e + 1;
            let current = e_hash & prefix_mask;
            if de < target {
                self.call_leaf(at(f, 234), memclr, &[0, 0])?;
                for k in de..target {
                    self.maps.subs[st as usize].entries[k] = EMPTY;
                }
                de = target;
            }
            let next_shares = ne != len && {
                let h = self.maps.hash_at(st, ne);
                h != HASH_NIL && h & prefix_mask == current
            };
            if hash & prefix_mask == current || next_shares {
                let new_st = self.hash_subtable_new(at(f, 240), m, 1, hash_used(new_flags))?;
                let mut loc = Loc::Var(new_st);
                let first = self.maps.subs[st as usize].entries[e].clone();
                self.conv_insert(at(f, 241), m, &mut loc, new_flags, first)?;
                self.call_leaf(at(f, 243), mcpy, &[0, 0, u64::from(datasize)])?;
                e = ne;
                while e != len && {
                    let h = self.maps.hash_at(st, e);
                    h != HASH_NIL && h & prefix_mask == current
                } {
                    let next = self.maps.subs[st as usize].entries[e].clone();
                    self.conv_insert(at(f, 247), m, &mut loc, new_flags, next)?;
                    self.call_leaf(at(f, 249), mcpy, &[0, 0, u64::from(datasize)])?;
                    e += 1;
                }
                self.call_leaf(at(f, 252), memclr, &[0, u64::from(datasize)])?;
                let Loc::Var(new_st) = loc else {
                    unreachable!("a local")
                };
                self.maps.subs[st as usize].entries[de] = Entry {
                    hash: current | HASH_SUBHASH,
                    data: Data::Sub(new_st),
                };
            } else {
                if e != de {
                    self.call_leaf(at(f, 257), mcpy, &[0, 0, u64::from(datasize) + 8])?;
                    let moved = self.maps.subs[st as usize].entries[e].clone();
                    self.maps.subs[st as usize].entries[de] = moved;
                }
                e += 1;
            }
            de += 1;
        }
        if e != de {
            self.hash_remove_n(at(f, 264), st, de, e - de)?;
        }
        self.leave(f)
    }

    /// One of hash_conv's re-insertions into a new subtable (asserted to
    /// be new).
    fn conv_insert(
        &mut self,
        caller: Caller,
        m: MapId,
        loc: &mut Loc,
        flags: u32,
        e: Entry,
    ) -> Result<(), Stop> {
        let hit = self.hash_insert_internal(caller, loc, flags, e.hash, m, e.data)?;
        if hit.is_some() {
            let f = self.hm("hash_conv");
            return self.throw(f, "assert");
        }
        Ok(())
    }

    /// hash_remove_n(st, dst, n): `n` entries at `dst` removed, the
    /// entries after them moved down as far as their natural positions
    /// let them (memmove), the slots left cleared (memclr).
    fn hash_remove_n(&mut self, caller: Caller, st: u32, dst: usize, n: usize) -> Result<(), Stop> {
        let f = self.hm("hash_remove_n");
        self.call(caller, f, &[0, 0, n as u64])?;
        let s = &self.maps.subs[st as usize];
        let end = s.entries.len();
        let shift = HASH_BITS - (s.power + s.used);
        let index_mask = (1u64 << s.power) - 1;
        let memmove = self.rt_fn("runtime.memmove")?;
        let memclr = self.rf.memclr;
        let mut dst_e = dst;
        let mut src_e = dst + n;
        let mut dst_i = dst as i64;
        let mut src_i = dst_i + n as i64;
        while dst_e != src_e {
            let skip;
            if src_e != end {
                let mut cp = src_e;
                let save = dst_i;
                while cp != end && {
                    let h = self.maps.hash_at(st, cp);
                    h != HASH_NIL && ((h >> shift) & index_mask) as i64 <= dst_i
                } {
                    cp += 1;
                    dst_i += 1;
                }
                self.call_leaf(at(f, 182), memmove, &[0, 0, 0])?;
                let entries = &mut self.maps.subs[st as usize].entries;
                for k in 0..cp - src_e {
                    entries[dst_e + k] = entries[src_e + k].clone();
                }
                dst_e += cp - src_e;
                src_e = cp;
                src_i += dst_i - save;
                let h = if src_e != end {
                    self.maps.hash_at(st, src_e)
                } else {
                    HASH_NIL
                };
                skip = if h != HASH_NIL {
                    ((h >> shift) & index_mask) as i64 - dst_i
                } else {
                    src_i - dst_i
                };
            } else {
                skip = src_i - dst_i;
            }
            self.call_leaf(at(f, 195), memclr, &[0, 0])?;
            for k in 0..skip as usize {
                self.maps.subs[st as usize].entries[dst_e + k] = EMPTY;
            }
            dst_e += skip as usize;
            dst_i += skip;
        }
        self.leave(f)
    }

    /// hash_remove(h, key, arg): the key's entry found as hash_lookup
    /// finds it, data_del called (donothing), the entry removed
    /// (hash_remove_n) and the count down.
    fn hash_remove(&mut self, caller: Caller, m: MapId, key: &[u8]) -> Result<bool, Stop> {
        let f = self.hm("hash_remove");
        self.call(caller, f, &[self.maps.addr(m), 0, 0])?;
        let found = self.hash_find(f, m, key)?;
        if let Some((st, e, _)) = found {
            let del = self.hm("donothing");
            let ret = self.site_indirect(f, 2);
            self.call_at(ret, del, &[0, 0, 0])?;
            self.leave(del)?;
            self.hash_remove_n(at(f, 365), st, e, 1)?;
            self.maps.maps[m.0 as usize].count -= 1;
        }
        self.leave(f)?;
        Ok(found.is_some())
    }

    /// runtime·mapiterinit(h, it) from Go code returning to `ret`: a nil
    /// map's iterator is done at once; else hash_iter_init, then
    /// hash_next for the first entry.
    pub fn mapiterinit(&mut self, ret: Addr, m: Option<MapId>, it: IterId) -> Result<(), Stop> {
        let f = self.hm("runtime.mapiterinit");
        self.call_at(ret, f, &[m.map_or(0, |m| self.maps.addr(m)), 0])?;
        let Some(m) = m else {
            self.maps.iters[it.0 as usize].data = None;
            return self.leave(f);
        };
        let ii = self.hm("hash_iter_init");
        self.call_leaf(at(f, 949), ii, &[self.maps.addr(m), 0])?;
        let h = &self.maps.maps[m.0 as usize];
        let (changes, st) = (h.changes, h.st);
        let iter = &mut self.maps.iters[it.0 as usize];
        iter.h = m;
        iter.changes = changes;
        iter.i = 0;
        iter.last_hash = 0;
        iter.sub[0] = IterSub { st, e: 0 };
        let data = self.hash_next(at(f, 950), it)?;
        self.maps.iters[it.0 as usize].data = data;
        self.leave(f)
    }

    /// runtime·mapiternext(it) from Go code: hash_next.
    pub fn mapiternext(&mut self, ret: Addr, it: IterId) -> Result<(), Stop> {
        let f = self.hm("runtime.mapiternext");
        self.call_at(ret, f, &[0])?;
        let data = self.hash_next(at(f, 979), it)?;
        self.maps.iters[it.0 as usize].data = data;
        self.leave(f)
    }

    /// runtime·mapiter1(it) or, with `val`, mapiter2(it) (textflag 7)
    /// from Go code: the key (and value) of the entry the iterator is at,
    /// copied out through algarray (hash_indirect before the value).
    pub fn mapiter(&mut self, ret: Addr, it: IterId, val: bool) -> Result<(), Stop> {
        let name = if val {
            "runtime.mapiter2"
        } else {
            "runtime.mapiter1"
        };
        let f = self.hm(name);
        self.call_at(ret, f, &[0])?;
        let m = self.maps.iters[it.0 as usize].h;
        let t = self.maps.maps[m.0 as usize].t;
        self.data_copy(f, 0, t.keyalg, t.keysize)?;
        if val {
            let hi = self.hm("hash_indirect");
            self.call_leaf(at(f, 1046), hi, &[self.maps.addr(m), 0])?;
            self.data_copy(f, 1, t.valalg, t.valsize)?;
        }
        self.leave(f)
    }

    /// iter_restart(it, st, used): after the table changed, the walk
    /// found again from the last hash returned, down through subtables.
    fn iter_restart(&mut self, caller: Caller, it: IterId) -> Result<(), Stop> {
        let f = self.hm("iter_restart");
        self.call(caller, f, &[0, 0, 0])?;
        let m = self.maps.iters[it.0 as usize].h;
        let mut st = self.maps.maps[m.0 as usize].st;
        let last_hash = self.maps.iters[it.0 as usize].last_hash;
        let mut used = 0;
        let mut e;
        loop {
            let s = &self.maps.subs[st as usize];
            let shift = HASH_BITS - (s.power + used);
            let mask = (1u64 << s.power) - 1;
            e = ((last_hash >> shift) & mask) as usize;
            let i = self.maps.iters[it.0 as usize].i;
            self.maps.iters[it.0 as usize].sub[i].st = st;
            let s = &self.maps.subs[st as usize];
            if s.entries[e].hash & HASH_MASK != HASH_SUBHASH {
                break;
            }
            let (power, next) = match s.entries[e].data {
                Data::Sub(n) => (s.power, n),
                _ => unreachable!("a subtable entry"),
            };
            let iter = &mut self.maps.iters[it.0 as usize];
            iter.sub[i].e = e + 1;
            iter.i += 1;
            if iter.i >= MAX_ITER_DEPTH {
                return self.throw(f, "assert");
            }
            used += power;
            st = next;
        }
        let end = self.maps.subs[st as usize].entries.len();
        while e != end && {
            let h = self.maps.hash_at(st, e);
            h == HASH_NIL || h <= last_hash
        } {
            e += 1;
        }
        let iter = &mut self.maps.iters[it.0 as usize];
        let i = iter.i;
        iter.sub[i].e = e;
        self.leave(f)
    }

    /// hash_next(it): the next entry in table order, subtables walked as
    /// they come; when the table changed since the last call the walk is
    /// found again (iter_restart), and an entry moved back is not given
    /// twice (the walk steps back over up to max_probes entries to the
    /// last hash returned).
    fn hash_next(&mut self, caller: Caller, it: IterId) -> Result<Option<Item>, Stop> {
        let f = self.hm("hash_next");
        self.call(caller, f, &[0])?;
        let m = self.maps.iters[it.0 as usize].h;
        if self.maps.iters[it.0 as usize].changes != self.maps.maps[m.0 as usize].changes {
            let changes = self.maps.maps[m.0 as usize].changes;
            let iter = &mut self.maps.iters[it.0 as usize];
            iter.changes = changes;
            iter.i = 0;
            self.iter_restart(at(f, 518), it)?;
        }
        let max_probes = self.maps.maps[m.0 as usize].max_probes as usize;
        let iter = &self.maps.iters[it.0 as usize];
        let IterSub { mut st, mut e } = iter.sub[iter.i];
        let last_hash = iter.last_hash;
        let mut end = self.maps.subs[st as usize].entries.len();
        if e != 0 && last_hash != self.maps.hash_at(st, e - 1) {
            let start = e.saturating_sub(max_probes);
            while e != start && {
                let h = self.maps.hash_at(st, e - 1);
                h == HASH_NIL || last_hash < h
            } {
                e -= 1;
            }
            while e != end && {
                let h = self.maps.hash_at(st, e);
                h == HASH_NIL || h <= last_hash
            } {
                e += 1;
            }
        }
        loop {
            while e != end && self.maps.hash_at(st, e) == HASH_NIL {
                e += 1;
            }
            let iter = &mut self.maps.iters[it.0 as usize];
            let i = iter.i;
            if e == end {
                if i == 0 {
                    iter.last_hash = self.maps.subs[st as usize].entries[e - 1].hash;
                    iter.sub[0].e = e;
                    self.leave(f)?;
                    return Ok(None);
                }
                iter.i -= 1;
                IterSub { st, e } = iter.sub[iter.i];
                end = self.maps.subs[st as usize].entries.len();
                continue;
            }
            let entry = &self.maps.subs[st as usize].entries[e];
            match &entry.data {
                Data::Item(k, v) if entry.hash & HASH_MASK != HASH_SUBHASH => {
                    let out = (k.clone(), *v);
                    iter.last_hash = entry.hash;
                    iter.sub[i].e = e + 1;
                    self.leave(f)?;
                    return Ok(Some(out));
                }
                Data::Sub(next) => {
                    let next = *next;
                    iter.sub[i].e = e + 1;
                    iter.i += 1;
                    if iter.i >= MAX_ITER_DEPTH {
                        return self.throw(f, "assert");
                    }
                    let j = iter.i;
                    iter.sub[j] = IterSub { st: next, e: 0 };
                    st = next;
                    e = 0;
                    end = self.maps.subs[st as usize].entries.len();
                }
                _ => unreachable!("a used entry"),
            }
        }
    }
}

/// init_sizes(hint, &init_power, &max_power): the first table's power
/// for a hint (its log, rounded up for utilization; 12 past 2^14).
fn init_sizes(hint: i64) -> (u32, u32) {
    let mut log: i64 = 0;
    let mut i = 32;
    while i != 0 {
        if (hint >> (log + i)) != 0 {
            log += i;
        }
        i >>= 1;
    }
    log += 1 + i64::from(((hint << 3) >> log) >= 11);
    let init_power = if log <= 14 { log as u32 } else { 12 };
    (init_power, 12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_sizes_rounds_the_hint_up_for_utilization() {
        assert_eq!(init_sizes(0), (1, 12));
        assert_eq!(init_sizes(10), (4, 12));
        assert_eq!(init_sizes(1 << 20), (12, 12));
    }

    #[test]
    fn memhash_is_the_64_bit_loop() {
        assert_eq!(memhash(&[]), 33054211828000289);
        let one = (33054211828000289u64 ^ 1).wrapping_mul(23344194077549503);
        assert_eq!(memhash(&[1]), one);
    }
}
