//! Dates written the way the tests and the bench need them, in UTC.

use std::time::{SystemTime, UNIX_EPOCH};

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the date of HTTP headers such as
/// `Retry-After`, truncated to the second.
pub fn http_date(time: SystemTime) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let utc = Utc::from(time);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        // 1970-01-01 was a Thursday.
        WEEKDAYS[utc.days.rem_euclid(7) as usize],
        utc.day,
        MONTHS[(utc.month - 1) as usize],
        utc.year,
        utc.hour,
        utc.minute,
        utc.second
    )
}

/// `YYYY-MM-DD HH:MM UTC`, truncated to the minute.
pub fn utc_minute(time: SystemTime) -> String {
    let utc = Utc::from(time);
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", utc.year, utc.month, utc.day, utc.hour, utc.minute)
}

/// A time's calendar date and time of day in UTC, to the second.
struct Utc {
    /// Days since 1970-01-01.
    days: i64,
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
}

impl From<SystemTime> for Utc {
    fn from(time: SystemTime) -> Utc {
        let secs = time.duration_since(UNIX_EPOCH).expect("a time after 1970").as_secs() as i64;
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        // Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Utc { days, year, month, day, hour: rem / 3600, minute: rem % 3600 / 60, second: rem % 60 }
    }
}
