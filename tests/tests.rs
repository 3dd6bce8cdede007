//! The one integration test binary: errdex run as a user runs it.

mod it;
