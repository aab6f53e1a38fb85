package io.leadscore.jobs.generate;

import java.util.Locale;

/**
 * The values the generator writes, as a CRM export spells them, with the weights it draws
 * them with. The truth model's coefficients live in {@link TruthModel}.
 */
public final class Vocabulary {
  private Vocabulary() {}

  /** The form's placeholder meaning "not answered", as in the real X Education export. */
  public static final String NOT_ANSWERED = "Select";
  public static final String YES = "Yes";
  public static final String NO = "No";

  /** Looks a label up in an enum of labelled values; null when unknown. */
  static <E extends Enum<E> & Labelled> E byLabel(Class<E> type, String label) {
    if (label == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.label().equals(label)) {
        return e;
      }
    }
    return null;
  }

  /** An enum value with the text the export shows. */
  public interface Labelled {
    String label();
  }

  /** Lead source; weights before and after the drift day, and an engagement multiplier. */
  public enum Source implements Labelled {
    ORGANIC_SEARCH("Organic Search", 0.22, 0.14, 1.0, 0.55),
    PAID_SEARCH("Paid Search", 0.18, 0.16, 0.9, 0.60),
    PAID_SOCIAL("Paid Social", 0.12, 0.26, 0.7, 0.45),
    REFERRAL("Referral", 0.08, 0.06, 1.1, 0.60),
    PARTNER("Partner", 0.07, 0.05, 1.0, 0.65),
    WEBINAR("Webinar", 0.08, 0.06, 1.4, 0.75),
    TRADE_SHOW("Trade Show", 0.05, 0.03, 1.2, 0.70),
    OUTBOUND("Outbound", 0.10, 0.16, 0.6, 0.30),
    DIRECT("Direct", 0.10, 0.08, 1.1, 0.50);

    private final String label;
    final double weight;
    final double driftedWeight;
    final double engagement;
    /** Probability that the lead answered the budget question of the form. */
    final double formAnswerRate;

    Source(String label, double weight, double driftedWeight, double engagement,
        double formAnswerRate) {
      this.label = label;
      this.weight = weight;
      this.driftedWeight = driftedWeight;
      this.engagement = engagement;
      this.formAnswerRate = formAnswerRate;
    }

    @Override
    public String label() {
      return label;
    }

    /** Source mix of leads created with drift strength {@code s} (0 = before the drift day). */
    static double[] weights(double s) {
      Source[] all = values();
      double[] w = new double[all.length];
      for (int i = 0; i < all.length; i++) {
        w[i] = (1 - s) * all[i].weight + s * all[i].driftedWeight;
      }
      return w;
    }
  }

  /** Campaign names per source; "" = no campaign. */
  static String[] campaigns(Source source) {
    return switch (source) {
      case ORGANIC_SEARCH -> new String[] {"", "", "", "SEO-Blog"};
      case PAID_SEARCH -> new String[] {"Search-Brand", "Search-Competitor", "Search-Generic"};
      case PAID_SOCIAL -> new String[] {"LinkedIn-Lead-Gen", "Facebook-Retargeting",
          "Social-Video"};
      case REFERRAL -> new String[] {"Customer-Referral", ""};
      case PARTNER -> new String[] {"Partner-Co-Marketing", "Reseller-Program"};
      case WEBINAR -> new String[] {"Webinar-DataOps-Live", "Webinar-AI-Roadmap",
          "Webinar-Security-101"};
      case TRADE_SHOW -> new String[] {"Expo-Berlin", "Summit-London", "Conf-San-Francisco"};
      case OUTBOUND -> new String[] {"SDR-Cold-Email", "SDR-Cold-Call"};
      case DIRECT -> new String[] {""};
    };
  }

  public enum Industry implements Labelled {
    SOFTWARE("Software", 0.18, new String[] {"Software", "Labs", "Systems", "Technologies"}),
    FINANCIAL_SERVICES("Financial Services", 0.12,
        new String[] {"Capital", "Financial", "Bank", "Insurance"}),
    HEALTHCARE("Healthcare", 0.10, new String[] {"Health", "Medical", "Clinics", "Pharma"}),
    MANUFACTURING("Manufacturing", 0.12,
        new String[] {"Manufacturing", "Industries", "Components", "Machines"}),
    RETAIL("Retail", 0.10, new String[] {"Retail", "Stores", "Outfitters", "Market"}),
    EDUCATION("Education", 0.07, new String[] {"Academy", "Learning", "University", "School"}),
    GOVERNMENT("Government", 0.04, new String[] {"County", "Agency", "Council", "Authority"}),
    MEDIA("Media", 0.06, new String[] {"Media", "Studios", "Publishing", "Broadcasting"}),
    LOGISTICS("Logistics", 0.07, new String[] {"Logistics", "Freight", "Shipping", "Transport"}),
    ENERGY("Energy", 0.05, new String[] {"Energy", "Power", "Solar", "Utilities"}),
    TELECOMMUNICATIONS("Telecommunications", 0.05,
        new String[] {"Telecom", "Networks", "Wireless", "Communications"}),
    PROFESSIONAL_SERVICES("Professional Services", 0.04,
        new String[] {"Consulting", "Partners", "Advisory", "Group"});

    private final String label;
    final double weight;
    final String[] nameWords;

    Industry(String label, double weight, String[] nameWords) {
      this.label = label;
      this.weight = weight;
      this.nameWords = nameWords;
    }

    @Override
    public String label() {
      return label;
    }

    static double[] weights() {
      Industry[] all = values();
      double[] w = new double[all.length];
      for (int i = 0; i < all.length; i++) {
        w[i] = all[i].weight;
      }
      return w;
    }
  }

  public enum Country implements Labelled {
    UNITED_STATES("United States", 0.38, "+1", ".com", new String[] {"Inc.", "LLC", "Corp."}),
    UNITED_KINGDOM("United Kingdom", 0.10, "+44", ".co.uk", new String[] {"Ltd", "PLC"}),
    GERMANY("Germany", 0.08, "+49", ".de", new String[] {"GmbH", "AG"}),
    FRANCE("France", 0.05, "+33", ".fr", new String[] {"SA", "SAS"}),
    INDIA("India", 0.10, "+91", ".in", new String[] {"Pvt Ltd", "Ltd"}),
    CANADA("Canada", 0.05, "+1", ".ca", new String[] {"Inc.", "Ltd"}),
    AUSTRALIA("Australia", 0.05, "+61", ".com.au", new String[] {"Pty Ltd"}),
    NETHERLANDS("Netherlands", 0.04, "+31", ".nl", new String[] {"B.V.", "N.V."}),
    BRAZIL("Brazil", 0.04, "+55", ".com.br", new String[] {"Ltda", "S.A."}),
    SINGAPORE("Singapore", 0.03, "+65", ".sg", new String[] {"Pte Ltd"}),
    SPAIN("Spain", 0.04, "+34", ".es", new String[] {"S.L.", "S.A."}),
    JAPAN("Japan", 0.04, "+81", ".jp", new String[] {"K.K.", "Co., Ltd."});

    private final String label;
    final double weight;
    final String phonePrefix;
    final String tld;
    final String[] legalSuffixes;

    Country(String label, double weight, String phonePrefix, String tld,
        String[] legalSuffixes) {
      this.label = label;
      this.weight = weight;
      this.phonePrefix = phonePrefix;
      this.tld = tld;
      this.legalSuffixes = legalSuffixes;
    }

    @Override
    public String label() {
      return label;
    }

    static double[] weights() {
      Country[] all = values();
      double[] w = new double[all.length];
      for (int i = 0; i < all.length; i++) {
        w[i] = all[i].weight;
      }
      return w;
    }
  }

  /** Company size band used by the truth model's interactions. */
  public enum SizeBand {
    MICRO, SMALL, MID, LARGE;

    /** 1-10, 11-200, 201-2000, more than 2000 employees. */
    public static SizeBand of(long employees) {
      if (employees <= 10) {
        return MICRO;
      }
      if (employees <= 200) {
        return SMALL;
      }
      if (employees <= 2000) {
        return MID;
      }
      return LARGE;
    }
  }

  /**
   * Seniority, written into the job title. {@link #parse} is the documented rule that reads it
   * back from a title (first matching keyword wins).
   */
  public enum Seniority {
    INTERN(0.04, 1.3),
    ENTRY(0.10, 1.2),
    MID(0.22, 1.1),
    SENIOR(0.18, 1.0),
    MANAGER(0.16, 0.95),
    DIRECTOR(0.12, 0.85),
    VP(0.07, 0.75),
    CXO(0.06, 0.65),
    OWNER(0.05, 0.8);

    final double weight;
    final double engagement;

    Seniority(double weight, double engagement) {
      this.weight = weight;
      this.engagement = engagement;
    }

    /** Seniority mix in a company of the band (small companies: more owners and chiefs). */
    static double[] weights(SizeBand band) {
      Seniority[] all = values();
      double[] w = new double[all.length];
      for (int i = 0; i < all.length; i++) {
        w[i] = all[i].weight;
      }
      switch (band) {
        case MICRO -> {
          w[OWNER.ordinal()] = 0.30;
          w[CXO.ordinal()] = 0.15;
          w[VP.ordinal()] = 0.02;
          w[DIRECTOR.ordinal()] = 0.04;
          w[MANAGER.ordinal()] = 0.08;
        }
        case SMALL -> {
          w[OWNER.ordinal()] = 0.10;
          w[CXO.ordinal()] = 0.09;
        }
        case MID -> w[OWNER.ordinal()] = 0.01;
        case LARGE -> {
          w[OWNER.ordinal()] = 0.002;
          w[CXO.ordinal()] = 0.02;
          w[SENIOR.ordinal()] = 0.22;
        }
        default -> throw new IllegalStateException(band.name());
      }
      return w;
    }

    /**
     * Reads the seniority from a job title: the first rule that matches, case-insensitively,
     * wins: intern|student → INTERN; founder|owner → OWNER; chief|ceo|cto|cfo|coo|cmo|cio|cro →
     * CXO; vp|vice president|svp → VP; director|head of → DIRECTOR; manager → MANAGER;
     * senior|sr.|lead|principal → SENIOR; junior|associate|assistant|representative → ENTRY;
     * anything else → MID. Null for an empty title.
     */
    public static Seniority parse(String title) {
      if (title == null || title.isBlank()) {
        return null;
      }
      String t = " " + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z.&]+", " ") + " ";
      if (hasWord(t, "intern", "student")) {
        return INTERN;
      }
      if (hasWord(t, "founder", "co-founder", "owner")) {
        return OWNER;
      }
      if (t.contains(" chief ") || hasWord(t, "ceo", "cto", "cfo", "coo", "cmo", "cio", "cro")) {
        return CXO;
      }
      if (hasWord(t, "vp", "svp") || t.contains(" vice president ")) {
        return VP;
      }
      if (t.contains(" director ") || t.contains(" head of ")) {
        return DIRECTOR;
      }
      if (hasWord(t, "manager")) {
        return MANAGER;
      }
      if (hasWord(t, "senior", "sr.", "sr", "lead", "principal")) {
        return SENIOR;
      }
      if (hasWord(t, "junior", "associate", "assistant", "representative")) {
        return ENTRY;
      }
      return MID;
    }

    private static boolean hasWord(String spaced, String... words) {
      for (String w : words) {
        if (spaced.contains(" " + w + " ")) {
          return true;
        }
      }
      return false;
    }
  }

  /** The job's function: the words its titles are made of. */
  enum Function {
    SALES("Sales", "Account Executive", "Sales Specialist", "Revenue"),
    MARKETING("Marketing", "Marketing Specialist", "Marketing Coordinator", "Marketing"),
    ENGINEERING("Engineering", "Software Engineer", "Backend Developer", "Technology"),
    DATA("Data", "Data Engineer", "Data Analyst", "Data"),
    FINANCE("Finance", "Financial Analyst", "Accountant", "Financial"),
    OPERATIONS("Operations", "Operations Specialist", "Operations Coordinator", "Operating"),
    IT("IT", "Systems Administrator", "Network Engineer", "Information"),
    HR("People", "HR Generalist", "Recruiter", "People"),
    PRODUCT("Product", "Product Designer", "Product Analyst", "Product"),
    CUSTOMER_SUCCESS("Customer Success", "Customer Success Specialist", "Support Specialist",
        "Customer");

    final String name;
    /** Titles of an individual contributor (no seniority keyword in them). */
    final String role;
    final String altRole;
    final String chiefWord;

    Function(String name, String role, String altRole, String chiefWord) {
      this.name = name;
      this.role = role;
      this.altRole = altRole;
      this.chiefWord = chiefWord;
    }
  }

  /** A job title for the seniority and function, in one of the spellings CRMs collect. */
  static String jobTitle(Seniority seniority, Function f, Rng rng) {
    return switch (seniority) {
      case INTERN -> rng.pick(new String[] {f.name + " Intern", "Intern", "Student"});
      case ENTRY -> f == Function.SALES && rng.chance(0.5) ? "Sales Development Representative"
          : rng.pick(new String[] {"Junior " + f.role, f.name + " Associate",
              f.name + " Assistant"});
      case MID -> rng.chance(0.7) ? f.role : f.altRole;
      case SENIOR -> rng.pick(new String[] {"Senior " + f.role, "Senior " + f.role,
          "Sr. " + f.role, "Lead " + f.role, "Principal " + f.altRole});
      case MANAGER -> rng.pick(new String[] {f.name + " Manager", f.name + " Manager",
          "Manager, " + f.name});
      case DIRECTOR -> rng.pick(new String[] {"Director of " + f.name, "Head of " + f.name,
          f.name + " Director"});
      case VP -> rng.pick(new String[] {"VP of " + f.name, "Vice President, " + f.name,
          "VP " + f.name, "SVP " + f.name});
      case CXO -> rng.chance(0.3) ? "CEO" : "Chief " + f.chiefWord + " Officer";
      case OWNER -> rng.pick(new String[] {"Founder", "Co-Founder", "Owner", "Founder & CEO"});
    };
  }

  public enum Budget implements Labelled {
    NOT_ANSWERED(Vocabulary.NOT_ANSWERED),
    UNDER_10K("Under $10k"),
    FROM_10K_TO_50K("$10k-$50k"),
    FROM_50K_TO_250K("$50k-$250k"),
    OVER_250K("Over $250k");

    private final String label;

    Budget(String label) {
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }

    /** Answer mix (without "not answered") by company size band. */
    static double[] answerWeights(SizeBand band) {
      return switch (band) {
        case MICRO -> new double[] {0, 0.55, 0.33, 0.10, 0.02};
        case SMALL -> new double[] {0, 0.30, 0.40, 0.23, 0.07};
        case MID -> new double[] {0, 0.15, 0.35, 0.35, 0.15};
        case LARGE -> new double[] {0, 0.08, 0.25, 0.40, 0.27};
      };
    }
  }

  public enum Timeline implements Labelled {
    NOT_ANSWERED(Vocabulary.NOT_ANSWERED),
    IMMEDIATELY("Immediately"),
    WITHIN_3_MONTHS("Within 3 months"),
    FROM_3_TO_6_MONTHS("3-6 months"),
    FROM_6_TO_12_MONTHS("6-12 months"),
    JUST_RESEARCHING("Just researching");

    private final String label;

    Timeline(String label) {
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }
  }

  /** Activity event types; the post-conversion ones are the leakage trap. */
  public enum EventType implements Labelled {
    PAGE_VIEW("page_view", 0.50, false),
    PRICING_PAGE_VIEW("pricing_page_view", 0.07, false),
    EMAIL_OPEN("email_open", 0.20, false),
    EMAIL_CLICK("email_click", 0.06, false),
    CONTENT_DOWNLOAD("content_download", 0.09, false),
    WEBINAR_ATTENDED("webinar_attended", 0.04, false),
    DEMO_REQUEST("demo_request", 0.02, false),
    ONBOARDING_STARTED("onboarding_started", 0, true),
    INVOICE_PAID("invoice_paid", 0, true),
    PRODUCT_LOGIN("product_login", 0, true);

    private final String label;
    final double weight;
    private final boolean postConversion;

    EventType(String label, double weight, boolean postConversion) {
      this.label = label;
      this.weight = weight;
      this.postConversion = postConversion;
    }

    @Override
    public String label() {
      return label;
    }

    /** True for the events that only a converted lead has (customer activity). */
    public boolean postConversion() {
      return postConversion;
    }

    public static EventType fromLabel(String label) {
      return byLabel(EventType.class, label);
    }
  }

  /** The stage the sales team sets. Won and Lost reveal the outcome. */
  public enum Status implements Labelled {
    NEW("New"), WORKING("Working"), NURTURE("Nurture"), QUALIFIED("Qualified"), WON("Won"),
    LOST("Lost");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    @Override
    public String label() {
      return label;
    }
  }

  static final String[] FIRST_NAMES = {
      "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
      "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
      "Sarah", "Daniel", "Karen", "Priya", "Rahul", "Anjali", "Arjun", "Wei", "Mei", "Hiroshi",
      "Yuki", "Lukas", "Anna", "Sophie", "Maximilian", "Emma", "Louis", "Camille", "Lucas",
      "Olivia", "Noah", "Mia", "Liam", "Ava", "Ethan", "Isabella", "Mateo", "Valentina",
      "Santiago", "Lars", "Ingrid", "Pieter", "Femke",
      // Non-ASCII names (all representable in ISO-8859-1, for the encoding trap).
      "José", "Zoë", "Søren", "Björn", "Renée", "Chloé", "François", "Jürgen", "Inés",
      "Joaquín", "Léa", "Måns"};

  static final String[] LAST_NAMES = {
      "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
      "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
      "Lewis", "Walker", "Patel", "Sharma", "Gupta", "Singh", "Chen", "Wang", "Li", "Tanaka",
      "Sato", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Bernard", "Moreau",
      "Rossi", "Silva", "Santos", "Oliveira", "de Vries", "van Dijk", "Jansen", "Nguyen",
      "Kim", "Park", "O'Brien", "O'Connor", "Smith-Jones", "MacDonald",
      "Müller", "García", "Søndergaard", "Núñez", "Pérez", "Åberg", "Lefèvre", "Gonçalves"};

  static final String[] COMPANY_PREFIXES = {
      "North", "Blue", "Silver", "Bright", "Green", "Red", "Iron", "Clear", "Swift", "Summit",
      "Pioneer", "Atlas", "Apex", "Nova", "Quantum", "Cedar", "Harbor", "Granite", "Stellar",
      "Vertex", "Orion", "Falcon", "Maple", "Beacon", "Crescent", "Evergreen", "Horizon",
      "Lumen", "Meridian", "Polar"};

  static final String[] COMPANY_CORES = {
      "wind", "peak", "stone", "bridge", "field", "wave", "point", "gate", "line", "works",
      "forge", "path", "river", "ridge", "light", "crest", "port", "dale", "view", "scale"};

  /** Free-mail domains: an address at one of these is not a corporate address. */
  public static final String[] FREE_MAIL_DOMAINS = {
      "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com",
      "proton.me", "gmx.de", "web.de", "yahoo.co.uk", "mail.com"};

  static final double[] FREE_MAIL_WEIGHTS = {
      0.45, 0.12, 0.12, 0.10, 0.06, 0.03, 0.03, 0.03, 0.02, 0.02, 0.02};

  static final String[] UTM_MEDIUMS = {"cpc", "email", "social", "organic", "referral", ""};

  /** Whether an e-mail address is at a free-mail domain (case-insensitive). */
  public static boolean isFreeMail(String email) {
    if (email == null) {
      return false;
    }
    int at = email.lastIndexOf('@');
    if (at < 0) {
      return false;
    }
    String domain = email.substring(at + 1).toLowerCase(Locale.ROOT);
    for (String d : FREE_MAIL_DOMAINS) {
      if (d.equals(domain)) {
        return true;
      }
    }
    return false;
  }

  /** Lower-case ASCII form of a name for e-mail addresses: accents dropped, others removed. */
  static String asciiFold(String s) {
    String decomposed = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(decomposed.length());
    for (int i = 0; i < decomposed.length(); i++) {
      char c = decomposed.charAt(i);
      if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
        out.append(c);
      } else if (c >= 'A' && c <= 'Z') {
        out.append((char) (c + 32));
      } else if (c == 'ø' || c == 'Ø') {
        out.append('o');
      } else if (c == 'æ' || c == 'Æ') {
        out.append("ae");
      } else if (c == 'ß') {
        out.append("ss");
      }
    }
    return out.toString();
  }
}
