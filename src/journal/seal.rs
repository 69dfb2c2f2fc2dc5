//! The hash chain over the journal's entries: tamper evidence for the evidence store.
//!
//! The triggers stop Kyso (and careless SQL) from changing records; they do not stop someone who
//! drops them. Each entry therefore gets a seal, SHA-256 over the previous entry's seal and the
//! entry itself as read back (its JSON without the seal), written in the entry's own
//! transaction. Changing, inserting or removing an entry afterwards breaks the chain from
//! there on, and [`super::Journal::check`] names the first broken link.

use rusqlite::{Connection, OptionalExtension, types::Value};
use sha2::{Digest, Sha256};

use super::query::{Entry, load};

/// The seal before the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Entries read per step when the whole chain is checked: memory stays flat on a long journal.
const CHECK_PAGE: i64 = 256;

/// Seals entry `id`, just written in the current transaction.
pub(super) fn seal_entry(connection: &Connection, id: i64) -> rusqlite::Result<()> {
    let previous: String = connection
        .query_row(
            "SELECT chain FROM seal WHERE entry_id < ?1 ORDER BY entry_id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let entry = load(connection, "WHERE e.id = ?1", vec![Value::Integer(id)])?
        .pop()
        .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    connection.execute(
        "INSERT INTO seal (entry_id, chain) VALUES (?1, ?2)",
        rusqlite::params![id, link(&previous, &entry)],
    )?;
    Ok(())
}

/// `SHA-256(previous ‖ "\n" ‖ JSON(entry without its seal))`, hex.
fn link(previous: &str, entry: &Entry) -> String {
    let mut unsealed = entry.clone();
    unsealed.seal = None;
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    // Serialising our own plain data cannot fail; an empty body would then break the chain
    // visibly rather than silently.
    hasher.update(serde_json::to_vec(&unsealed).unwrap_or_default());
    hex::encode(hasher.finalize())
}

/// Checks that the revocation data kept with each signing is the data that was sealed. The seal
/// covers an entry's JSON, which lists each OCSP response or CRL by hash and size but not its
/// bytes (they can be MiBs): without this, bytes swapped behind Kyso's back would be exported
/// as evidence under a chain that still holds. Rows are read one at a time: memory stays flat.
pub(super) fn check_evidence(connection: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(
        "SELECT entry_id, position, sha256, size, der FROM revocation_evidence
         WHERE der IS NOT NULL ORDER BY entry_id, position",
    )?;
    let mut rows = statement.query([])?;
    let mut problems = Vec::new();
    while let Some(row) = rows.next()? {
        let (entry, position): (i64, i64) = (row.get(0)?, row.get(1)?);
        let (sha256, size): (String, i64) = (row.get(2)?, row.get(3)?);
        let der = row.get_ref(4)?.as_blob()?;
        let len_matches = i64::try_from(der.len()).is_ok_and(|len| len == size);
        if !len_matches || hex::encode(Sha256::digest(der)) != sha256 {
            problems.push(format!(
                "mục {entry}: dữ liệu thu hồi số {position} không khớp với mã băm đã niêm phong — \
                 nội dung đã bị sửa sau khi ghi / entry {entry}: revocation data {position} does \
                 not match its sealed hash — its bytes were changed after it was written"
            ));
        }
    }
    Ok(problems)
}

/// Walks the whole chain, oldest first; returns the broken links (empty when intact), each
/// in Vietnamese, then English.
pub(super) fn check_chain(connection: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut previous = GENESIS.to_owned();
    let mut after = i64::MIN;
    loop {
        let page = load(
            connection,
            "WHERE e.id > ?1 ORDER BY e.id ASC LIMIT ?2",
            vec![Value::Integer(after), Value::Integer(CHECK_PAGE)],
        )?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for entry in &page {
            let expected = link(&previous, entry);
            match &entry.seal {
                Some(seal) if *seal == expected => {}
                Some(_) => problems.push(format!(
                    "mục {id}: dấu niêm phong không khớp — mục này, hoặc một mục trước nó, đã bị \
                     sửa, chèn thêm hay xóa sau khi ghi / entry {id}: its seal does not match — \
                     changed, or an entry before it was changed, inserted or removed, after it \
                     was written",
                    id = entry.id
                )),
                None => problems.push(format!(
                    "mục {id}: không có dấu niêm phong / entry {id}: no seal",
                    id = entry.id
                )),
            }
            // Go on from the stored seal: one edit is reported once, not at every later entry.
            previous = entry.seal.clone().unwrap_or(expected);
        }
    }
    Ok(problems)
}
