import type { FastifyInstance } from 'fastify';
import { demoActors } from './demo-api.ts';
import { seedDemoForums } from './demo-forums.ts';

// The demo network's life — groups on real territories, posts, comments, reactions, follows — made
// through the real API as each demo member, so that every rule (policy, Markdown, mentions,
// hashtags, counters, notifications) applies as it would for people.

type Visibility = 'public' | 'private' | 'secret';
interface DemoGroup { organizer: string; name: string; visibility: Visibility; territory: { kind: 'commune' | 'department' | 'region'; code: string } | null; description: string; members: string[] }

const GROUPS: DemoGroup[] = [
  { organizer: 'karim_b', name: 'Lyon en commun', visibility: 'public', territory: { kind: 'commune', code: '69123' }, members: ['sophie_l', 'julien_m', 'lucas_m', 'margaux_r'], description: 'Le groupe local de Lyon : **réunion chaque mardi à 19 h** à la Croix-Rousse. Tractage, porte-à-porte, débats.' },
  { organizer: 'youssef_h', name: 'Marseille quartiers nord', visibility: 'public', territory: { kind: 'commune', code: '13055' }, members: ['amina_d', 'pierre_d'], description: 'Des quartiers nord au Vieux-Port : logement, transports, écoles.' },
  { organizer: 'lucas_m', name: 'Toulouse rive gauche', visibility: 'public', territory: { kind: 'commune', code: '31555' }, members: ['ines_n', 'thomas_g'], description: 'Saint-Cyprien, Patte-d’Oie, Arènes : on se retrouve le samedi au marché.' },
  { organizer: 'thomas_g', name: 'Nantes solidaire', visibility: 'public', territory: { kind: 'commune', code: '44109' }, members: ['claire_f', 'ines_n'], description: 'Nantes et son agglomération. Vélo, logement, solidarité.' },
  { organizer: 'claire_f', name: 'Jeunes de Rennes', visibility: 'private', territory: { kind: 'commune', code: '35238' }, members: ['thomas_g'], description: 'Les étudiantes et étudiants de Rennes. Groupe privé : demandez à nous rejoindre.' },
  { organizer: 'margaux_r', name: 'Strasbourg européenne', visibility: 'public', territory: { kind: 'commune', code: '67482' }, members: ['karim_b'], description: 'Strasbourg, capitale européenne : nos propositions pour l’Europe.' },
  { organizer: 'amina_d', name: 'Saint-Denis debout', visibility: 'public', territory: { kind: 'commune', code: '93066' }, members: ['youssef_h', 'sophie_l', 'pierre_d'], description: 'Saint-Denis et la Plaine. Associations, écoles, logement.' },
  { organizer: 'ines_n', name: 'Bordeaux écologie', visibility: 'public', territory: { kind: 'commune', code: '33063' }, members: ['lucas_m', 'claire_f'], description: 'Écologie et justice sociale à Bordeaux.' },
  { organizer: 'julien_m', name: 'Grenoble en transition', visibility: 'private', territory: { kind: 'commune', code: '38185' }, members: ['margaux_r'], description: 'Transition énergétique et montagne. Groupe privé.' },
  { organizer: 'pierre_d', name: 'Retraités du Nord', visibility: 'private', territory: { kind: 'department', code: '59' }, members: ['youssef_h'], description: 'Les retraités militants du Nord : transmettre, accompagner.' },
  { organizer: 'karim_b', name: 'Coordination Auvergne-Rhône-Alpes', visibility: 'public', territory: { kind: 'region', code: '84' }, members: ['julien_m', 'sophie_l'], description: 'La coordination régionale des groupes locaux.' },
  { organizer: 'sophie_l', name: 'Paris 11e', visibility: 'public', territory: { kind: 'commune', code: '75056' }, members: ['amina_d', 'camille'], description: 'Le groupe du 11e arrondissement : Oberkampf, Bastille, Voltaire.' },
  { organizer: 'camille', name: 'Équipe de campagne', visibility: 'secret', territory: null, members: ['karim_b', 'sophie_l'], description: 'L’équipe de campagne nationale. Groupe secret.' },
];

const NETWORK_POSTS = [
  'Bienvenue sur **Élan commun** ! Trouvez le groupe local de votre commune dans l’onglet Groupes, ou créez-le. #bienvenue',
  'Grand meeting le 12 décembre à Lyon : inscrivez-vous auprès de votre groupe local. #meeting #mobilisation',
];

const GROUP_POSTS: Record<string, Array<{ author: string; body: string; comments?: Array<{ author: string; body: string; replies?: Array<{ author: string; body: string }> }>; reactions?: Array<[string, string]> }>> = {
  'Lyon en commun': [
    { author: 'karim_b', body: 'Tractage samedi 10 h au marché de la Croix-Rousse, qui vient ? #porteaporte', comments: [{ author: 'julien_m', body: 'Présent !', replies: [{ author: 'karim_b', body: 'Merci @julien_m, rendez-vous devant la mairie du 4e.' }] }, { author: 'sophie_l', body: 'J’apporte les tracts.' }], reactions: [['sophie_l', 'applause'], ['lucas_m', 'like'], ['margaux_r', 'solidarity']] },
    { author: 'sophie_l', body: 'Compte rendu du débat sur les transports en commun : les propositions sont dans le document partagé. #transports', reactions: [['karim_b', 'love']] },
  ],
  'Marseille quartiers nord': [
    { author: 'youssef_h', body: 'Réunion publique jeudi au centre social de la Busserine. On parle #logement.', comments: [{ author: 'amina_d', body: 'Je relaie à Saint-Denis, bravo pour l’initiative.' }], reactions: [['amina_d', 'solidarity'], ['pierre_d', 'like']] },
  ],
  'Toulouse rive gauche': [
    { author: 'lucas_m', body: 'Porte-à-porte aux Arènes ce week-end : 120 portes, de belles discussions. #porteaporte', reactions: [['ines_n', 'applause'], ['thomas_g', 'applause']] },
  ],
  'Nantes solidaire': [
    { author: 'thomas_g', body: 'Vélorution dimanche, départ place Royale à 14 h. #ecologie', comments: [{ author: 'claire_f', body: 'On vient de Rennes en train !' }] },
  ],
  'Jeunes de Rennes': [
    { author: 'claire_f', body: 'Assemblée des étudiants mardi à Rennes 2, amphi B. #ecole', reactions: [['thomas_g', 'like']] },
  ],
  'Saint-Denis debout': [
    { author: 'amina_d', body: 'Merci à toutes et tous pour la fête de quartier : 300 personnes ! @youssef_h tu nous envoies les photos ? #mobilisation', comments: [{ author: 'youssef_h', body: 'Je les mets en ligne ce soir.' }], reactions: [['sophie_l', 'love'], ['pierre_d', 'love'], ['youssef_h', 'applause']] },
  ],
  'Bordeaux écologie': [
    { author: 'ines_n', body: 'Atelier sur la rénovation thermique des logements samedi. #ecologie #logement' },
  ],
  'Grenoble en transition': [
    { author: 'julien_m', body: 'Conférence sur l’énergie en montagne, vendredi 18 h, salle Olympe. #ecologie', reactions: [['margaux_r', 'thinking']] },
  ],
  'Paris 11e': [
    { author: 'sophie_l', body: 'Stand au marché Bastille dimanche matin : il manque deux personnes de 10 h à 12 h.', comments: [{ author: 'amina_d', body: 'Je prends 10 h – 11 h.' }] },
  ],
  'Équipe de campagne': [
    { author: 'camille', body: 'Point d’équipe lundi 9 h : calendrier des meetings et budget. Ne pas diffuser.' },
  ],
};

const FOLLOWS: Array<[string, string]> = [
  ['lucas_m', 'camille'], ['amina_d', 'camille'], ['thomas_g', 'camille'], ['claire_f', 'thomas_g'], ['ines_n', 'lucas_m'],
  ['youssef_h', 'amina_d'], ['pierre_d', 'youssef_h'], ['julien_m', 'karim_b'], ['margaux_r', 'karim_b'], ['sophie_l', 'karim_b'],
];

const PROFILE_POSTS: Array<[string, string]> = [
  ['camille', 'Une semaine de tournée : Lyon, Marseille, Toulouse. Merci pour votre accueil ! #mobilisation'],
  ['lucas_m', 'Premier porte-à-porte de ma vie aujourd’hui, et pas le dernier.'],
];

/** Adds the demo network's groups and walls once (when it has no group yet). Returns what it did. */
export async function seedDemoWalls(app: FastifyInstance): Promise<string> {
  const db = app.db;
  if (await db.selectFrom('groups').select('id').limit(1).executeTakeFirst()) return 'Groups already present: left as they are.';
  const actors = await demoActors(app);
  const { as } = actors;
  const slugs = new Map<string, string>();

  let posts = 0;
  for (const body of NETWORK_POSTS) { await as('camille', 'POST', '/walls/network/posts', { body }); posts++; }
  for (const group of GROUPS) {
    const { slug } = await as<{ slug: string }>(group.organizer, 'POST', '/groups', { name: group.name, description: group.description, visibility: group.visibility, territory: group.territory });
    slugs.set(group.name, slug);
    for (const handle of group.members) {
      if (group.visibility === 'public') await as(handle, 'POST', `/groups/${slug}/join`);
      else if (group.visibility === 'private') {
        await as(handle, 'POST', `/groups/${slug}/join`);
        await as(group.organizer, 'POST', `/groups/${slug}/members/${handle}/approve`);
      } else {
        await as(group.organizer, 'POST', `/groups/${slug}/invitations`, { handle });
        await as(handle, 'POST', `/groups/${slug}/invitation/accept`);
      }
    }
    for (const post of GROUP_POSTS[group.name] ?? []) {
      const { id } = await as<{ id: string }>(post.author, 'POST', `/groups/${slug}/posts`, { body: post.body });
      posts++;
      for (const comment of post.comments ?? []) {
        const created = await as<{ id: string }>(comment.author, 'POST', `/posts/${id}/comments`, { body: comment.body });
        for (const reply of comment.replies ?? []) await as(reply.author, 'POST', `/posts/${id}/comments`, { body: reply.body, parentId: created.id });
      }
      for (const [handle, kind] of post.reactions ?? []) await as(handle, 'PUT', `/posts/${id}/reaction`, { kind });
    }
  }
  for (const [follower, followee] of FOLLOWS) await as(follower, 'PUT', `/profiles/${followee}/follow`);
  for (const [handle, body] of PROFILE_POSTS) { await as(handle, 'POST', `/profiles/${handle}/posts`, { body }); posts++; }
  const forums = await seedDemoForums(actors, slugs);
  await actors.done();
  return `${GROUPS.length} groups, ${posts} posts, ${FOLLOWS.length} follows, ${forums}.`;
}
