//! The three ways `check` prints diagnostics: as rustc does, as JSON lines
//! for tools, and as GitHub workflow annotations.

use annotate_snippets::{AnnotationKind, Group, Level, Patch, Renderer, Snippet};

use crate::report::Report;

/// rustc's layout: the headline, `--> file:line:col`, the source line with
/// the underline, the notes, and the fix as a patch of the source.
pub fn human(report: &Report, color: bool) -> String {
    let d = report.diagnostic;
    let path = report.path();
    let level = if report.is_error() {
        Level::ERROR
    } else {
        Level::WARNING
    };
    let mut title = level.primary_title(d.message.as_str());
    if let Some(lint) = d.lint {
        title = title.id(lint);
    }
    let mut main = Group::with_title(title).element(
        Snippet::source(report.file.text.as_str())
            .path(path.as_str())
            .annotation(AnnotationKind::Primary.span(report.place.bytes.clone())),
    );
    for note in &d.notes {
        main = main.element(Level::NOTE.message(note.as_str()));
    }
    // A fix is shown as rustc shows suggestions: the source, patched.
    let suggestion = match &d.help {
        Some(help) if !report.fix_edits.is_empty() => {
            let mut snippet = Snippet::source(report.file.text.as_str()).path(path.as_str());
            for (place, text) in &report.fix_edits {
                snippet = snippet.patch(Patch::new(place.bytes.clone(), *text));
            }
            Some(Group::with_title(Level::HELP.secondary_title(help.as_str())).element(snippet))
        }
        Some(help) => {
            main = main.element(Level::HELP.message(help.as_str()));
            None
        }
        None => None,
    };
    let groups: Vec<Group> = std::iter::once(main).chain(suggestion).collect();
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&groups)
}

/// One JSON object a line.
pub fn json(report: &Report) -> String {
    report.json().to_string()
}

/// A workflow command: GitHub shows it on the pull request's diff.
pub fn github(report: &Report) -> String {
    let d = report.diagnostic;
    let p = &report.place;
    let title = match d.lint {
        Some(lint) => format!("cnn: {lint}"),
        None => "cnn".to_string(),
    };
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        report.severity(),
        escape_property(&report.path()),
        p.line,
        p.column,
        p.end_line,
        p.end_column,
        escape_property(&title),
        escape_data(&d.full_message()),
    )
}

/// GitHub's escaping of a command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a command's property values.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
