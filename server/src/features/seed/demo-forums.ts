import type { DemoActors } from './demo-api.ts';

// The demo's forums: the network's (arranged by the campaign team) and Lyon's (by its organizer),
// with debates of a few replies each, quotes, a pinned thread, a closed one, and two syntheses.

interface DemoThread {
  category: string;
  author: string;
  title: string;
  body: string;
  /** [author, text, position quoted] */
  replies: Array<[string, string, number?]>;
  pin?: { by: string; where: 'category' | 'forum' };
  closeBy?: string;
  synthesis?: { by: string; body: string; sources: number[]; endorsedBy: string[] };
}

interface DemoForum {
  /** null: the network's forum. */
  group: string | null;
  manager: string;
  categories: Array<{ name: string; description: string; parent?: string; access?: { read?: string; start?: string; reply?: string } }>;
  threads: DemoThread[];
}

const FORUMS: DemoForum[] = [
  {
    group: null,
    manager: 'karim_b',
    categories: [
      { name: 'Programme', description: 'Le programme, chapitre par chapitre : proposez, amendez, débattez.' },
      { name: 'Logement', description: 'Loyers, logement social, rénovation.', parent: 'Programme' },
      { name: 'Transports', description: 'Transports en commun, vélo, ruralité.', parent: 'Programme' },
      { name: 'Questions au candidat', description: 'Posez vos questions : l’équipe de campagne y répond.', access: { reply: 'moderators' } },
      { name: 'Entraide militante', description: 'Astuces, matériel, covoiturage pour les actions.' },
    ],
    threads: [
      {
        category: 'Logement', author: 'amina_d', title: 'Encadrement des loyers : jusqu’où aller ?',
        body: 'À Saint-Denis, les loyers ont pris 15 % en trois ans. L’encadrement actuel ne suffit pas. Faut-il le rendre obligatoire partout, ou seulement dans les zones tendues ? #logement',
        replies: [
          ['youssef_h', 'Partout où le marché est tendu, oui, mais avec des contrôles réels : aujourd’hui personne ne vérifie.'],
          ['pierre_d', 'Dans le Nord, le problème n’est pas le loyer mais l’état des logements. Il faut coupler encadrement et obligation de rénovation.'],
          ['ines_n', 'D’accord avec Pierre : un logement passoire ne devrait pas pouvoir être loué au prix d’un logement rénové.', 3],
          ['sophie_l', 'Proposition de synthèse : encadrement obligatoire en zone tendue, contrôles par les communes, et loyer plafonné pour les passoires thermiques. Qu’en pensez-vous ?'],
          ['amina_d', 'Ça me va. J’ajouterais un fonds pour aider les petits propriétaires à rénover.', 5],
        ],
        synthesis: {
          by: 'sophie_l',
          body: 'Le débat converge sur trois points :\n\n1. **Encadrement obligatoire** des loyers dans les zones tendues, avec des contrôles confiés aux communes.\n2. **Loyer plafonné** pour les passoires thermiques, tant qu’elles ne sont pas rénovées.\n3. **Un fonds d’aide** aux petits propriétaires qui rénovent.\n\nReste ouvert : le financement de ce fonds.',
          sources: [3, 4, 5, 6],
          endorsedBy: ['amina_d', 'ines_n', 'pierre_d'],
        },
      },
      {
        category: 'Transports', author: 'thomas_g', title: 'Gratuité des transports en commun : pour ou contre ?',
        body: 'Dunkerque l’a fait, Montpellier aussi. À Nantes le débat revient à chaque élection. Vos arguments ? #transports',
        replies: [
          ['claire_f', 'Pour, sans hésiter : c’est une mesure sociale et écologique à la fois.'],
          ['julien_m', 'Prudent : la gratuité sans hausse de l’offre remplit les bus sans vider les routes. D’abord la fréquence, ensuite la gratuité.'],
          ['lucas_m', 'À Toulouse, commencer par les moins de 26 ans et les bénéficiaires des minima sociaux serait déjà énorme.', 3],
        ],
      },
      {
        category: 'Questions au candidat', author: 'pierre_d', title: 'Quand viendrez-vous dans le Nord ?',
        body: 'Les retraités du Nord aimeraient vous recevoir à Lille ou à Roubaix. Une date est-elle prévue ?',
        replies: [['camille', 'Oui : Roubaix le 9 janvier, puis Lille le lendemain. Les groupes locaux recevront les détails cette semaine. Merci pour l’invitation !']],
      },
      {
        category: 'Entraide militante', author: 'lucas_m', title: 'Vos astuces pour le porte-à-porte',
        body: 'Premier porte-à-porte le week-end dernier. Comment engagez-vous la conversation sans paraître insistant ?',
        replies: [
          ['karim_b', 'Toujours commencer par une question sur le quartier, jamais par le programme. Et noter les adresses où revenir.'],
          ['margaux_r', 'Aller à deux, avec des tracts courts. Et accepter les refus avec le sourire.'],
        ],
        pin: { by: 'sophie_l', where: 'category' },
      },
    ],
  },
  {
    group: 'Lyon en commun',
    manager: 'karim_b',
    categories: [
      { name: 'Débats locaux', description: 'Nos propositions pour Lyon et la métropole.' },
      { name: 'Organisation', description: 'Tractages, réunions, matériel.', access: { start: 'organizers' } },
    ],
    threads: [
      {
        category: 'Débats locaux', author: 'margaux_r', title: 'Végétaliser la Croix-Rousse : quelles priorités ?',
        body: 'Cours d’écoles, pieds d’immeubles, places minérales : par où commencer ? #ecologie',
        replies: [
          ['julien_m', 'Les cours d’écoles d’abord : ce sont des îlots de chaleur, et les enfants en profitent tous les jours.'],
          ['sophie_l', 'Oui, et associer les parents au chantier : c’est aussi comme ça qu’on crée du lien.', 2],
          ['lucas_m', 'La place de la Croix-Rousse mériterait des arbres : elle est brûlante l’été.'],
          ['karim_b', 'Merci à toutes et tous : je propose de porter les cours d’écoles en priorité au conseil d’arrondissement. Je clos le débat.'],
        ],
        closeBy: 'karim_b',
        synthesis: {
          by: 'karim_b',
          body: 'Priorité aux **cours d’écoles**, îlots de chaleur fréquentés chaque jour, avec les parents associés aux chantiers. La place de la Croix-Rousse vient ensuite. Proposition portée au conseil d’arrondissement.',
          sources: [2, 3, 4],
          endorsedBy: ['julien_m', 'margaux_r'],
        },
      },
      {
        category: 'Organisation', author: 'karim_b', title: 'Planning des tractages de décembre',
        body: 'Samedis 6, 13 et 20 décembre, 10 h, marché de la Croix-Rousse. Inscrivez-vous en répondant ici.',
        replies: [['julien_m', 'Présent le 6 et le 13.'], ['margaux_r', 'Le 20 pour moi.']],
        pin: { by: 'karim_b', where: 'category' },
      },
    ],
  },
];

/** Adds the demo forums; `slugs`: the demo groups' addresses by name. Returns what it did. */
export async function seedDemoForums({ as }: DemoActors, slugs: ReadonlyMap<string, string>): Promise<string> {
  let threads = 0;
  let posts = 0;
  let syntheses = 0;
  for (const forum of FORUMS) {
    const base = forum.group ? `/groups/${slugs.get(forum.group)}/forum` : '/forum';
    const categories = new Map<string, { id: string; slug: string }>();
    for (const category of forum.categories) {
      const parentId = category.parent ? categories.get(category.parent)?.id : undefined;
      const created = await as<{ id: string; slug: string }>(forum.manager, 'POST', `${base}/categories`, {
        name: category.name, description: category.description, ...(parentId && { parentId }), ...(category.access && { access: category.access }),
      });
      categories.set(category.name, created);
    }
    for (const thread of forum.threads) {
      const { slug } = categories.get(thread.category)!;
      const { id } = await as<{ id: string }>(thread.author, 'POST', `${base}/categories/${slug}/threads`, { title: thread.title, body: thread.body });
      threads++;
      posts++;
      for (const [author, body, quoteOf] of thread.replies) {
        await as(author, 'POST', `/threads/${id}/posts`, { body, ...(quoteOf && { quoteOf }) });
        posts++;
      }
      if (thread.pin) await as(thread.pin.by, 'PUT', `/threads/${id}/pin`, { where: thread.pin.where });
      if (thread.closeBy) await as(thread.closeBy, 'PUT', `/threads/${id}/close`);
      if (thread.synthesis) {
        await as(thread.synthesis.by, 'PUT', `/threads/${id}/synthesis`, { body: thread.synthesis.body, sources: thread.synthesis.sources });
        for (const handle of thread.synthesis.endorsedBy) await as(handle, 'PUT', `/threads/${id}/synthesis/endorsement`);
        syntheses++;
      }
    }
  }
  return `${FORUMS.length} forums with ${threads} threads, ${posts} forum posts and ${syntheses} debate syntheses`;
}
