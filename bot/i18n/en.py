"""English replies and posts."""

MESSAGES: dict[str, str] = {
    # fields, as named in error messages
    "field.name": "name",
    "field.city": "city",
    "field.address": "address",
    "field.url": "link",
    "field.description": "description",
    # kinds
    "kind.meetup": "Meetup",
    "kind.conference": "Conference",
    "kind.seminar": "Seminar",
    "kind.afterwork": "Afterwork",
    "kind.coworking": "Coworking space",
    "kind.association": "Association",
    "kind.workshop": "Workshop",
    "kind.other": "Other",
    # errors
    "error.field_required": "The {field} is required.",
    "error.field_too_long": "The {field} is too long: {length} characters, at most {max}.",
    "error.name_no_letters": "The name needs at least one letter or digit.",
    "error.kind_invalid": "Unknown kind. Choose one of: {kinds}.",
    "error.url_scheme": "The link must start with http:// or https://.",
    "error.url_invalid": "That link is not a valid web address.",
    "error.tag_too_long": "The tag “{tag}” is too long: at most {max} characters.",
    "error.too_many_tags": "At most {max} tags, separated by commas (you gave {count}).",
    "error.duplicate": "“{name}” in {city} is already here: {link}",
    "error.venue_not_found": "No venue called “{query}” here. Pick one from the suggestions.",
    "error.invalid_option": "That value for “{option}” is not valid.",
    "error.guild_only": "This command works in a server, not in direct messages.",
    "error.bot_missing_permissions": (
        "I can't post in {channel}: I am missing the {permissions} permission. "
        "Ask a server admin to grant it."
    ),
    "error.announcement_failed": (
        "I couldn't post the announcement in {channel}, so the venue was not added. "
        "Please try again."
    ),
    "error.member_missing_permissions": "You need the {permissions} permission for this.",
    "error.cooldown": "Slow down: try again in {seconds} s.",
    "error.database_busy": "The database is busy right now. Please try again in a moment.",
    "error.unexpected": (
        "Something went wrong on my side. If it happens again, quote this id: {id}."
    ),
    # permissions
    "permission.view_channel": "View Channel",
    "permission.send_messages": "Send Messages",
    "permission.embed_links": "Embed Links",
    "permission.add_reactions": "Add Reactions",
    "permission.read_message_history": "Read Message History",
    "permission.manage_guild": "Manage Server",
    # venue
    "venue.proposed": "**{name}** is proposed. Members can vote and rate it here: {link}",
    "venue.announcement.title": "New venue: {name}",
    "venue.announcement.footer": "Proposed by a member · vote with 👍 / 👎 · venue #{id}",
    "venue.field.kind": "Kind",
    "venue.field.city": "City",
    "venue.field.address": "Address",
    "venue.field.link": "Link",
    "venue.field.tags": "Tags",
    "venue.field.votes": "Votes",
    "venue.field.proposer": "Proposed by",
    "venue.field.announcement": "Announcement",
    "venue.votes": "👍 {up} · 👎 {down}",
    "venue.jump": "Go to the announcement",
}
