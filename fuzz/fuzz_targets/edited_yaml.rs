#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rkt::fuzzing::edited_yaml(data));
