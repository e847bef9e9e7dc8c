namespace Platform.Review.Letters;

/// <summary>
/// The name a letter prints for a département's code (« le président du conseil départemental de … »): a decision is
/// taken in the name of the président of the recipient's département, which names the delegation it rests on.
/// </summary>
public static class DepartementNames
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["01"] = "l'Ain", ["02"] = "l'Aisne", ["03"] = "l'Allier", ["04"] = "Alpes-de-Haute-Provence", ["05"] = "Hautes-Alpes",
        ["06"] = "Alpes-Maritimes", ["07"] = "l'Ardèche", ["08"] = "Ardennes", ["09"] = "l'Ariège", ["10"] = "l'Aube",
        ["11"] = "l'Aude", ["12"] = "l'Aveyron", ["13"] = "Bouches-du-Rhône", ["14"] = "Calvados", ["15"] = "Cantal",
        ["16"] = "Charente", ["17"] = "Charente-Maritime", ["18"] = "Cher", ["19"] = "Corrèze", ["2A"] = "Corse-du-Sud",
        ["2B"] = "Haute-Corse", ["21"] = "Côte-d'Or", ["22"] = "Côtes-d'Armor", ["23"] = "Creuse", ["24"] = "Dordogne",
        ["25"] = "Doubs", ["26"] = "Drôme", ["27"] = "l'Eure", ["28"] = "Eure-et-Loir", ["29"] = "Finistère", ["30"] = "Gard",
        ["31"] = "Haute-Garonne", ["32"] = "Gers", ["33"] = "Gironde", ["34"] = "l'Hérault", ["35"] = "Ille-et-Vilaine",
        ["36"] = "l'Indre", ["37"] = "Indre-et-Loire", ["38"] = "l'Isère", ["39"] = "Jura", ["40"] = "Landes",
        ["41"] = "Loir-et-Cher", ["42"] = "la Loire", ["43"] = "Haute-Loire", ["44"] = "Loire-Atlantique", ["45"] = "Loiret",
        ["46"] = "Lot", ["47"] = "Lot-et-Garonne", ["48"] = "Lozère", ["49"] = "Maine-et-Loire", ["50"] = "la Manche",
        ["51"] = "la Marne", ["52"] = "Haute-Marne", ["53"] = "Mayenne", ["54"] = "Meurthe-et-Moselle", ["55"] = "la Meuse",
        ["56"] = "Morbihan", ["57"] = "la Moselle", ["58"] = "la Nièvre", ["59"] = "Nord", ["60"] = "l'Oise", ["61"] = "l'Orne",
        ["62"] = "Pas-de-Calais", ["63"] = "Puy-de-Dôme", ["64"] = "Pyrénées-Atlantiques", ["65"] = "Hautes-Pyrénées",
        ["66"] = "Pyrénées-Orientales", ["67"] = "Bas-Rhin", ["68"] = "Haut-Rhin", ["69"] = "Rhône", ["70"] = "Haute-Saône",
        ["71"] = "Saône-et-Loire", ["72"] = "la Sarthe", ["73"] = "la Savoie", ["74"] = "Haute-Savoie", ["75"] = "Paris",
        ["76"] = "Seine-Maritime", ["77"] = "Seine-et-Marne", ["78"] = "Yvelines", ["79"] = "Deux-Sèvres", ["80"] = "la Somme",
        ["81"] = "Tarn", ["82"] = "Tarn-et-Garonne", ["83"] = "Var", ["84"] = "Vaucluse", ["85"] = "Vendée", ["86"] = "la Vienne",
        ["87"] = "Haute-Vienne", ["88"] = "Vosges", ["89"] = "l'Yonne", ["90"] = "Territoire de Belfort", ["91"] = "l'Essonne",
        ["92"] = "Hauts-de-Seine", ["93"] = "Seine-Saint-Denis", ["94"] = "Val-de-Marne", ["95"] = "Val-d'Oise",
        ["971"] = "la Guadeloupe", ["972"] = "la Martinique", ["973"] = "la Guyane", ["974"] = "La Réunion", ["975"] = "Saint-Pierre-et-Miquelon",
        ["976"] = "Mayotte",
    };

    /// <summary>
    /// The département's name after « de » : the service's configured name for its own département, the table's for the
    /// others, the code itself for one the table does not know.
    /// </summary>
    public static string Of(string departement, LetterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return departement == options.Departement ? options.DepartementName : Names.GetValueOrDefault(departement, departement);
    }
}
