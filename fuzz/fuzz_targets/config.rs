//! Text in, as a configuration file and as a policy file: parsed and, for the configuration,
//! resolved and printed masked (`piiguard config check`). Errors are fine; a panic is not.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = piiguard::policy::Policy::from_toml(text);
    if let Ok(file) = piiguard::config::parse(text) {
        if let Ok(settings) = piiguard::config::Settings::resolve(file) {
            settings.render_masked("fuzz");
        }
    }
});
