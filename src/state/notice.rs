//! Status-line notices expire: `Msg::Tick` clears one once its level's lifetime
//! ([`Notice::lifetime`]: info 5 s, warnings 10 s, errors 15 s) has passed since it was
//! raised. A notice that is a question still waiting for its answer (stop a forward? y/n)
//! stays until answered.

use super::AppState;

impl AppState {
    /// Refuses a change under `--readonly`, with a message saying so.
    pub(crate) fn refused_readonly(&mut self, what: &str) -> bool {
        if self.readonly {
            self.notify(crate::msg::Notice::error(format!(
                "read-only mode (--readonly): {what} refused"
            )));
        }
        self.readonly
    }

    /// Clears the notice when it has been shown for its lifetime (called on each tick).
    pub(crate) fn expire_notice(&mut self) {
        let Some(notice) = &self.notice else {
            self.notice_since = None;
            return;
        };
        // A notice set directly (not through `notify`) starts its clock now.
        let since = *self.notice_since.get_or_insert(self.now);
        if self
            .overlays
            .is_open::<crate::state::overlay::StopForward>()
        {
            return;
        }
        if self.now.duration_since(since) >= notice.lifetime() {
            self.notice = None;
            self.notice_since = None;
            self.dirty = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use jiff::Timestamp;

    use crate::effect::Scope;
    use crate::keymap::Keymap;
    use crate::msg::{Msg, Notice};
    use crate::state::{update, AppState, ClusterInfo};

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn state() -> AppState {
        AppState::new(
            Arc::new(Keymap::default()),
            ClusterInfo::default(),
            Scope::Namespace("default".into()),
            at(0),
        )
    }

    fn tick(st: &mut AppState, secs: i64) {
        update(st, Msg::Tick(at(secs)));
    }

    #[test]
    fn info_goes_after_5_s_warnings_after_10_s_errors_after_15_s() {
        for (notice, lifetime) in [
            (Notice::info("copied"), 5),
            (Notice::warning("nothing selected"), 10),
            (Notice::error("delete failed"), 15),
        ] {
            let mut st = state();
            tick(&mut st, 100);
            update(&mut st, Msg::Notice(notice.clone()));
            tick(&mut st, 100 + lifetime - 1);
            assert_eq!(st.notice.as_ref(), Some(&notice), "still shown just before");
            st.dirty = false;
            tick(&mut st, 100 + lifetime);
            assert_eq!(st.notice, None, "{notice:?} expired after {lifetime} s");
            assert!(st.dirty, "the status line is redrawn without it");
        }
    }

    #[test]
    fn a_new_notice_starts_its_own_clock() {
        let mut st = state();
        update(&mut st, Msg::Notice(Notice::info("first")));
        tick(&mut st, 4);
        update(&mut st, Msg::Notice(Notice::info("second")));
        tick(&mut st, 8);
        assert_eq!(st.notice, Some(Notice::info("second")));
        tick(&mut st, 9);
        assert_eq!(st.notice, None);
    }

    #[test]
    fn a_notice_set_directly_expires_from_the_first_tick_that_sees_it() {
        let mut st = state();
        st.notice = Some(Notice::warning("config: unknown key"));
        tick(&mut st, 30);
        tick(&mut st, 39);
        assert!(st.notice.is_some());
        tick(&mut st, 40);
        assert_eq!(st.notice, None);
    }

    #[test]
    fn a_pending_question_stays_until_answered() {
        let mut st = state();
        st.overlays.open(crate::state::overlay::StopForward(1));
        update(
            &mut st,
            Msg::Notice(Notice::warning("stop forward x? (y/n)")),
        );
        tick(&mut st, 60);
        assert!(st.notice.is_some());
        st.overlays.close::<crate::state::overlay::StopForward>();
        tick(&mut st, 61);
        assert_eq!(st.notice, None);
    }
}
