"""Réponses et publications en français."""

MESSAGES: dict[str, str] = {
    "field.name": "nom",
    "field.city": "ville",
    "field.address": "adresse",
    "field.url": "lien",
    "field.description": "description",
    "kind.meetup": "Meetup",
    "kind.conference": "Conférence",
    "kind.seminar": "Séminaire",
    "kind.afterwork": "Afterwork",
    "kind.coworking": "Espace de coworking",
    "kind.association": "Association",
    "kind.workshop": "Atelier",
    "kind.other": "Autre",
    "error.field_required": "Le champ {field} est obligatoire.",
    "error.field_too_long": (
        "Le champ {field} est trop long : {length} caractères, {max} au maximum."
    ),
    "error.name_no_letters": "Le nom doit contenir au moins une lettre ou un chiffre.",
    "error.kind_invalid": "Type inconnu. Choisissez parmi : {kinds}.",
    "error.url_scheme": "Le lien doit commencer par http:// ou https://.",
    "error.url_invalid": "Ce lien n'est pas une adresse web valide.",
    "error.tag_too_long": "Le tag « {tag} » est trop long : {max} caractères au maximum.",
    "error.too_many_tags": (
        "{max} tags au maximum, séparés par des virgules (vous en avez donné {count})."
    ),
    "error.duplicate": "« {name} » à {city} existe déjà : {link}",
    "error.venue_not_found": (
        "Aucun lieu nommé « {query} » ici. Choisissez-en un dans les suggestions."
    ),
    "error.invalid_option": "Cette valeur pour « {option} » n'est pas valide.",
    "error.guild_only": "Cette commande s'utilise dans un serveur, pas en message privé.",
    "error.bot_missing_permissions": (
        "Je ne peux pas publier dans {channel} : il me manque la permission {permissions}. "
        "Demandez-la à un administrateur du serveur."
    ),
    "error.announcement_failed": (
        "Je n'ai pas pu publier l'annonce dans {channel}, le lieu n'a donc pas été ajouté. "
        "Réessayez."
    ),
    "error.member_missing_permissions": "Il vous faut la permission {permissions} pour cela.",
    "error.cooldown": "Doucement : réessayez dans {seconds} s.",
    "error.database_busy": (
        "La base de données est occupée pour le moment. Réessayez dans un instant."
    ),
    "error.unexpected": (
        "Un problème est survenu de mon côté. Si cela se reproduit, citez cet identifiant : {id}."
    ),
    "permission.view_channel": "Voir le salon",
    "permission.send_messages": "Envoyer des messages",
    "permission.embed_links": "Intégrer des liens",
    "permission.add_reactions": "Ajouter des réactions",
    "permission.read_message_history": "Voir les anciens messages",
    "permission.manage_guild": "Gérer le serveur",
    "venue.proposed": (
        "**{name}** est proposé. Les membres peuvent voter et le noter ici : {link}"
    ),
    "venue.announcement.title": "Nouveau lieu : {name}",
    "venue.announcement.footer": "Proposé par un membre · votez avec 👍 / 👎 · lieu n°{id}",
    "venue.field.kind": "Type",
    "venue.field.city": "Ville",
    "venue.field.address": "Adresse",
    "venue.field.link": "Lien",
    "venue.field.tags": "Tags",
    "venue.field.votes": "Votes",
    "venue.field.proposer": "Proposé par",
    "venue.field.announcement": "Annonce",
    "venue.votes": "👍 {up} · 👎 {down}",
    "venue.jump": "Aller à l'annonce",
}
